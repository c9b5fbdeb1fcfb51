/** Reading numbers with a TensorFlow.js model: `readNumber(image, model)`. */
import type * as tf from '@tensorflow/tfjs';
import type { DigitImage } from '../imaging/gray';
import { predictDigits } from '../model/evaluate';
import { readText, type DigitClassifier, type ReadOptions, type ReadResult } from './read';

/** A classifier backed by a digit model (batched, one `predict` call per picture). */
export function modelClassifier(model: tf.LayersModel): DigitClassifier {
  return (inputs) => predictDigits(model, inputs);
}

/** Reads the numbers written in `image` with a digit `model` (see `readText`). */
export function readNumber(image: DigitImage, model: tf.LayersModel, options: ReadOptions = {}): Promise<ReadResult> {
  return readText(image, modelClassifier(model), options);
}
