/**
 * In-page reading of a written number: the canvas read by lib/reading's `readText`, the very code
 * `digit-lab read` runs, with the embedded classifier and judge as its models (batched like
 * lib/reading/model.ts does in Node).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { rgbaToDigitImage } from '../../imaging/gray';
import { DIGIT_INPUT_SIZE } from '../../imaging/preprocess';
import { JUDGE_HEIGHT, JUDGE_WIDTH, type PieceJudge } from '../../reading/judge';
import { judgeBranch } from '../../reading/judge-branch';
import { readText, type DigitClassifier, type ReadResult } from '../../reading/read';

/** Runs `model` on a batch of equally sized single-channel images; one row of outputs per image. */
function predictBatch(model: LayersModel, inputs: Float32Array[], height: number, width: number): number[][] {
  if (inputs.length === 0) return [];
  const size = height * width;
  const flat = new Float32Array(inputs.length * size);
  inputs.forEach((v, i) => flat.set(v, i * size));
  const out = tf.tidy(() => (model.predict(tf.tensor4d(flat, [inputs.length, height, width, 1])) as tf.Tensor).dataSync());
  const classes = out.length / inputs.length;
  return inputs.map((_, i) => Array.from(out.subarray(i * classes, (i + 1) * classes)));
}

/** The digit model as readText's classifier. */
export function padClassifier(model: LayersModel): DigitClassifier {
  return (inputs) => predictBatch(model, inputs, DIGIT_INPUT_SIZE, DIGIT_INPUT_SIZE);
}

/** The judge model as readText's judge. */
export function padJudge(model: LayersModel): PieceJudge {
  return (inputs, options) => predictBatch(options?.pairs === false ? judgeBranch(model) : model, inputs, JUDGE_HEIGHT, JUDGE_WIDTH);
}

/** Reads the number written on `canvas` (see readText). */
export function readCanvas(canvas: HTMLCanvasElement, classify: DigitClassifier, judge: PieceJudge | undefined, lowConfidence?: number): Promise<ReadResult> {
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('no 2D canvas context');
  const { data, width, height } = ctx.getImageData(0, 0, canvas.width, canvas.height);
  return readText(rgbaToDigitImage(data, width, height), classify, {
    ...(judge ? { judge } : {}),
    ...(lowConfidence !== undefined ? { lowConfidence } : {}),
  });
}
