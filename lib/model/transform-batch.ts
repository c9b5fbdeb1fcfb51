/**
 * `tf.image.transform` on a batch, whatever the backend. Written with tfjs-core only, so the pad's
 * browser bundle (which runs on the cpu backend) can use it as well as Node.
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * Applies `tf.image.transform` with one 8-vector per image. The tfjs 4.22 'cpu' kernel only
 * transforms the first image of a batch (it returns inside its batch loop), so on that backend
 * images go through one at a time.
 */
export function transformBatch(
  images: tf.Tensor4D,
  transforms: tf.Tensor2D,
  interpolation: 'bilinear' | 'nearest',
  fillMode: 'constant' | 'reflect' | 'wrap' | 'nearest',
  cval: number,
): tf.Tensor4D {
  const n = images.shape[0];
  if (tf.getBackend() !== 'cpu' || n <= 1) {
    return tf.image.transform(images, transforms, interpolation, fillMode, cval);
  }
  return tf.tidy(() => {
    const parts: tf.Tensor4D[] = [];
    for (let i = 0; i < n; i++) {
      const image = tf.slice(images, [i, 0, 0, 0], [1, -1, -1, -1]);
      const transform = tf.slice(transforms, [i, 0], [1, 8]);
      parts.push(tf.image.transform(image, transform, interpolation, fillMode, cval));
    }
    return tf.concat(parts, 0);
  });
}
