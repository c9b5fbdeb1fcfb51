/**
 * Feeding a model from uint8 images: batches are gathered and scaled to [0, 1] one at a time, so a
 * training set (120k images with an augmented copy) stays at one byte per pixel in memory.
 */
import * as tf from '@tensorflow/tfjs';
import type { ImageSet } from '../data/types';
import { DIGIT_INPUT_SIZE, type PreprocessedDigit } from '../imaging/preprocess';

/** Checks that a set's arrays agree with its count and shape; `what` names it in the error. */
export function checkImageSet(set: ImageSet, what = 'image set'): void {
  const size = set.rows * set.cols;
  if (set.images.length !== set.count * size) {
    throw new Error(`${what}: ${set.images.length} pixels for ${set.count} images of ${set.rows}x${set.cols}`);
  }
  if (set.labels.length !== set.count) throw new Error(`${what}: ${set.labels.length} labels for ${set.count} images`);
}

/** A [count, rows, cols, 1] float tensor in [0, 1] of images start..start+count-1. */
export function imageBatchTensor(set: ImageSet, start: number, count: number): tf.Tensor4D {
  const size = set.rows * set.cols;
  const pixels = new Float32Array(count * size);
  const src = set.images.subarray(start * size, (start + count) * size);
  for (let i = 0; i < src.length; i++) pixels[i] = src[i] / 255;
  return tf.tensor4d(pixels, [count, set.rows, set.cols, 1]);
}

/** Images and one-hot labels of the examples at `indices`, scaled to [0, 1]. */
export function gatherBatch(set: ImageSet, indices: ArrayLike<number>, numClasses = 10): { xs: tf.Tensor4D; ys: tf.Tensor2D } {
  const size = set.rows * set.cols;
  const n = indices.length;
  const pixels = new Float32Array(n * size);
  const oneHot = new Float32Array(n * numClasses);
  for (let i = 0; i < n; i++) {
    const at = indices[i];
    const src = set.images.subarray(at * size, (at + 1) * size);
    for (let j = 0; j < size; j++) pixels[i * size + j] = src[j] / 255;
    oneHot[i * numClasses + set.labels[at]] = 1;
  }
  return { xs: tf.tensor4d(pixels, [n, set.rows, set.cols, 1]), ys: tf.tensor2d(oneHot, [n, numClasses]) };
}

/** from, from + 1, ..., from + count - 1: the indices of a contiguous run of examples. */
export function indexRange(from: number, count: number): Uint32Array {
  return Uint32Array.from({ length: count }, (_, i) => from + i);
}

/** A subset of a set (copies the bytes), e.g. to split off validation examples. */
export function selectImages(set: ImageSet, indices: ArrayLike<number>): ImageSet {
  const size = set.rows * set.cols;
  const images = new Uint8Array(indices.length * size);
  const labels = new Uint8Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    images.set(set.images.subarray(indices[i] * size, (indices[i] + 1) * size), i * size);
    labels[i] = set.labels[indices[i]];
  }
  return { images, labels, count: indices.length, rows: set.rows, cols: set.cols };
}

/** Several sets of the same image shape, one after another. */
export function concatImages(sets: ImageSet[]): ImageSet {
  if (sets.length === 0) throw new Error('concatImages: no sets given');
  const { rows, cols } = sets[0];
  const count = sets.reduce((n, s) => n + s.count, 0);
  const images = new Uint8Array(count * rows * cols);
  const labels = new Uint8Array(count);
  let at = 0;
  for (const s of sets) {
    if (s.rows !== rows || s.cols !== cols) throw new Error(`concatImages: ${s.rows}x${s.cols} images among ${rows}x${cols}`);
    images.set(s.images, at * rows * cols);
    labels.set(s.labels, at);
    at += s.count;
  }
  return { images, labels, count, rows, cols };
}

/** Stacks preprocessed digits into a [n, 28, 28, 1] float32 tensor, ready for a model. */
export function digitsToTensor(digits: ReadonlyArray<Pick<PreprocessedDigit, 'pixels'>>): tf.Tensor4D {
  const n = digits.length;
  const data = new Float32Array(n * DIGIT_INPUT_SIZE * DIGIT_INPUT_SIZE);
  digits.forEach((d, i) => {
    if (d.pixels.length !== DIGIT_INPUT_SIZE * DIGIT_INPUT_SIZE) {
      throw new Error(`digitsToTensor: digit ${i} has ${d.pixels.length} pixels, expected ${DIGIT_INPUT_SIZE * DIGIT_INPUT_SIZE}`);
    }
    data.set(d.pixels, i * DIGIT_INPUT_SIZE * DIGIT_INPUT_SIZE);
  });
  return tf.tensor4d(data, [n, DIGIT_INPUT_SIZE, DIGIT_INPUT_SIZE, 1]);
}
