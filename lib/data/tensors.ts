/** From loaded images to what a model eats. */
import * as tf from '@tensorflow/tfjs';
import type { ImageSet } from './types';

/** Options of imageSetToTensors. */
export interface ImageSetTensorOptions {
  /** Labels as one-hot float32 `[n, classes]` instead of int32 `[n]`. */
  oneHot?: boolean;
  /** First image to take (default 0). */
  start?: number;
  /** How many images (default: all from `start`). */
  count?: number;
  /** Number of classes for one-hot labels (default 10). */
  classes?: number;
}

/**
 * Images as a `[n, rows, cols, 1]` float32 tensor in [0, 1] and labels as int32 `[n]` or one-hot
 * float32 `[n, classes]`. The caller owns (and disposes) both tensors.
 */
export function imageSetToTensors(set: ImageSet, options: ImageSetTensorOptions = {}): { xs: tf.Tensor4D; ys: tf.Tensor } {
  const start = options.start ?? 0;
  const count = options.count ?? set.count - start;
  if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 0 || start + count > set.count) {
    throw new RangeError(`imageSetToTensors: images ${start}..${start + count} are outside the set of ${set.count}`);
  }
  const pixels = set.rows * set.cols;
  const src = set.images.subarray(start * pixels, (start + count) * pixels);
  const floats = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) floats[i] = src[i] / 255;
  const xs = tf.tensor4d(floats, [count, set.rows, set.cols, 1], 'float32');
  const labels = Int32Array.from(set.labels.subarray(start, start + count));
  if (!options.oneHot) return { xs, ys: tf.tensor1d(labels, 'int32') };
  const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), options.classes ?? 10).toFloat());
  return { xs, ys };
}
