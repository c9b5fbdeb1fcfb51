/** Recognising pad drawings in Node: the page's pipeline (rasterise, preprocess, model) without a browser. */
import { argmax } from '../../../lib/common/arrays';
import * as tf from '@tensorflow/tfjs';
import { preprocessDigit, DIGIT_INPUT_SIZE } from '../../../lib/imaging/preprocess';
import type { PreprocessOptions } from '../../../lib/imaging/preprocess';
import { rasterisePadStrokes } from './rasterise';
import type { PadStroke, RasteriseOptions } from './rasterise';

/** What the pad would show for a drawing. */
export interface PadStrokesPrediction {
  digit: number;
  confidence: number;
  probabilities: number[];
  /** The 28x28 model input, row-major, ink bright. */
  input: Float32Array;
}

/**
 * Rasterises `strokes` as the pad draws them, preprocesses them as the pad (and `digit-lab
 * predict`) does, and classifies them with `model`. Throws "blank image: ..." for no ink.
 */
export function predictPadStrokes(
  model: tf.LayersModel,
  strokes: readonly PadStroke[],
  options: { preprocess?: PreprocessOptions; raster?: RasteriseOptions } = {},
): PadStrokesPrediction {
  const { pixels } = preprocessDigit(rasterisePadStrokes(strokes, options.raster), options.preprocess ?? {});
  const probabilities = tf.tidy(() => {
    const y = model.predict(tf.tensor4d(pixels, [1, DIGIT_INPUT_SIZE, DIGIT_INPUT_SIZE, 1])) as tf.Tensor;
    return Array.from(y.dataSync());
  });
  const digit = argmax(probabilities);
  return { digit, confidence: probabilities[digit], probabilities, input: pixels };
}
