/**
 * Evaluation of a digit classifier: accuracy, loss, confusion matrix, per-class precision, recall
 * and F1, and the misclassified examples. Predictions are made in batches straight from the uint8
 * images so a 10k test set never sits in memory as one float tensor.
 */
import * as tf from '@tensorflow/tfjs';
import type { ImageSet } from '../data/types';
import { imageBatchTensor } from './batches';
import { predictTensor } from '../engine/graph/predict';

/** Precision, recall, F1 and support of one class. */
export interface ClassMetrics {
  label: number;
  precision: number;
  recall: number;
  f1: number;
  /** How many examples truly belong to the class. */
  support: number;
}

/** One wrongly classified example. */
export interface Misclassified {
  /** Index in the evaluated set. */
  index: number;
  trueLabel: number;
  predicted: number;
  /** Probability of the predicted class. */
  confidence: number;
  /** The three most probable classes, most probable first. */
  top3: { label: number; probability: number }[];
}

/** Everything evaluateModel measures. */
export interface EvaluationReport {
  examples: number;
  accuracy: number;
  /** Mean categorical cross-entropy (probabilities clipped at 1e-7, as Keras does). */
  loss: number;
  /** confusion[true][predicted] = count. */
  confusion: number[][];
  perClass: ClassMetrics[];
  /** Macro-averaged F1 over classes with support. */
  macroF1: number;
  /** Misclassified examples, most confident mistakes first (at most `maxMisclassified`). */
  misclassified: Misclassified[];
  misclassifiedCount: number;
}

/** Options of evaluateModel. */
export interface EvaluateOptions {
  batchSize?: number;
  /** How many misclassified examples to keep (default 100). */
  maxMisclassified?: number;
}

const EPSILON = 1e-7;

/**
 * Computes every metric from true labels and a row-major [n, classes] probability matrix.
 * Exported so metrics can be checked on hand-made predictions.
 */
export function metricsFromProbabilities(
  labels: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  numClasses = 10,
  maxMisclassified = 100,
): EvaluationReport {
  const n = labels.length;
  if (probabilities.length !== n * numClasses) {
    throw new Error(`expected ${n * numClasses} probabilities for ${n} labels, got ${probabilities.length}`);
  }
  const confusion = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  const wrong: Misclassified[] = [];
  let lossSum = 0;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const row = Array.from({ length: numClasses }, (_, c) => Number(probabilities[i * numClasses + c]));
    const truth = labels[i];
    if (!Number.isInteger(truth) || truth < 0 || truth >= numClasses) throw new Error(`label ${truth} at index ${i} is not a class 0..${numClasses - 1}`);
    const order = row.map((p, c) => ({ label: c, probability: p })).sort((a, b) => b.probability - a.probability || a.label - b.label);
    const predicted = order[0].label;
    confusion[truth][predicted]++;
    lossSum += -Math.log(Math.min(1 - EPSILON, Math.max(EPSILON, row[truth])));
    if (predicted === truth) correct++;
    else wrong.push({ index: i, trueLabel: truth, predicted, confidence: order[0].probability, top3: order.slice(0, 3) });
  }
  const perClass: ClassMetrics[] = [];
  for (let c = 0; c < numClasses; c++) {
    const tp = confusion[c][c];
    const support = confusion[c].reduce((a, b) => a + b, 0);
    const predictedAs = confusion.reduce((sum, r) => sum + r[c], 0);
    const precision = predictedAs === 0 ? 0 : tp / predictedAs;
    const recall = support === 0 ? 0 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    perClass.push({ label: c, precision, recall, f1, support });
  }
  const present = perClass.filter((m) => m.support > 0);
  wrong.sort((a, b) => b.confidence - a.confidence || a.index - b.index);
  return {
    examples: n,
    accuracy: n === 0 ? 0 : correct / n,
    loss: n === 0 ? 0 : lossSum / n,
    confusion,
    perClass,
    macroF1: present.length === 0 ? 0 : present.reduce((s, m) => s + m.f1, 0) / present.length,
    misclassified: wrong.slice(0, maxMisclassified),
    misclassifiedCount: wrong.length,
  };
}

/** Class probabilities for every image of `set`, row-major [count, 10], predicted in batches. */
export async function predictImageSet(model: tf.LayersModel, set: ImageSet, batchSize = 512): Promise<Float32Array> {
  const out = new Float32Array(set.count * 10);
  for (let start = 0; start < set.count; start += batchSize) {
    const count = Math.min(batchSize, set.count - start);
    const probs = tf.tidy(() => predictTensor(model, imageBatchTensor(set, start, count)));
    out.set(await probs.data(), start * 10);
    probs.dispose();
  }
  return out;
}

/** Evaluates `model` on a labelled image set (e.g. MnistData.test). */
export async function evaluateModel(model: tf.LayersModel, set: ImageSet, options: EvaluateOptions = {}): Promise<EvaluationReport> {
  const probabilities = await predictImageSet(model, set, options.batchSize ?? 512);
  return metricsFromProbabilities(set.labels, probabilities, 10, options.maxMisclassified ?? 100);
}

/**
 * Class probabilities for preprocessed digits: each entry holds 784 values in [0, 1], ink 1 on 0
 * (what preprocessImageFile returns). Returns one array of 10 probabilities per digit.
 */
export async function predictDigits(model: tf.LayersModel, pixels: ArrayLike<number>[], batchSize = 512): Promise<number[][]> {
  pixels.forEach((p, i) => {
    if (p.length !== 784) throw new Error(`digit ${i} has ${p.length} values, expected 784 (28x28)`);
  });
  const result: number[][] = [];
  for (let start = 0; start < pixels.length; start += batchSize) {
    const chunk = pixels.slice(start, start + batchSize);
    const flat = new Float32Array(chunk.length * 784);
    chunk.forEach((p, i) => flat.set(Array.from(p), i * 784));
    const probs = tf.tidy(() => predictTensor(model, tf.tensor4d(flat, [chunk.length, 28, 28, 1])));
    const data = await probs.data();
    probs.dispose();
    for (let i = 0; i < chunk.length; i++) result.push(Array.from(data.subarray(i * 10, i * 10 + 10)));
  }
  return result;
}
