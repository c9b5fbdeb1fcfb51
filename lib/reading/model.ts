/** Reading numbers with TensorFlow.js models: `readNumber(image, model)`. */
import * as tf from '@tensorflow/tfjs';
import type { DigitImage } from '../imaging/gray';
import { predictTensor } from '../engine/graph/predict';
import { predictDigits } from '../model/evaluate';
import { shiftAveragedModel } from '../model/shift-averaging';
import { JUDGE_HEIGHT, JUDGE_WIDTH, type PieceJudge } from './judge';
import { judgeBranch } from './judge-branch';
import { JUDGE_TOPOLOGY, JUDGE_WEIGHT_SPECS, JUDGE_WEIGHTS } from './judge-model';
import { readText, type DigitClassifier, type ReadOptions, type ReadResult } from './read';

/**
 * A classifier backed by a digit model (batched, one `predict` call per picture). A model saved
 * with shift averaging answers through the model it averages: readText's own shifted looks at the
 * digits it chose do the same work for far fewer pictures.
 */
export function modelClassifier(model: tf.LayersModel): DigitClassifier {
  const digits = shiftAveragedModel(model) ?? model;
  return (inputs) => predictDigits(digits, inputs);
}

/** A judge (one digit, two, or part of one) backed by a piece model: one `predict` call per batch. */
export function modelJudge(model: tf.LayersModel): PieceJudge {
  return async (inputs, options) => {
    const size = JUDGE_HEIGHT * JUDGE_WIDTH;
    const x = new Float32Array(inputs.length * size);
    inputs.forEach((v, i) => x.set(v, i * size));
    const batch = tf.tensor4d(x, [inputs.length, JUDGE_HEIGHT, JUDGE_WIDTH, 1]);
    const out = predictTensor(options?.pairs === false ? judgeBranch(model) : model, batch) as tf.Tensor2D;
    try {
      return (await out.array()) as number[][];
    } finally {
      batch.dispose();
      out.dispose();
    }
  };
}

/** The reader's one-or-two judge, embedded in lib/reading/judge-model.ts (trained by lib/bench/read-judge.ts). */
export async function loadJudgeModel(): Promise<tf.LayersModel> {
  const bytes = Uint8Array.from(atob(JUDGE_WEIGHTS), (c) => c.charCodeAt(0));
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: JUDGE_TOPOLOGY as tf.io.ModelJSON['modelTopology'], weightSpecs: JUDGE_WEIGHT_SPECS as tf.io.WeightsManifestEntry[], weightData: bytes.buffer }));
}

/** Reads the numbers written in `image` with a digit `model` and, if given, a piece `judge` model (see `readText`). */
export function readNumber(image: DigitImage, model: tf.LayersModel, options: ReadOptions & { judgeModel?: tf.LayersModel } = {}): Promise<ReadResult> {
  const { judgeModel, ...rest } = options;
  return readText(image, modelClassifier(model), judgeModel ? { judge: modelJudge(judgeModel), ...rest } : rest);
}
