import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import { ImageSet } from '../../lib/data/types';
import { imageSetToTensors } from '../../lib/data/tensors';

function smallSet(): ImageSet {
  const count = 4;
  const images = new Uint8Array(count * 9);
  images.forEach((_, i) => (images[i] = (i * 37) % 256));
  images[0] = 255;
  return { images, labels: Uint8Array.from([2, 0, 9, 2]), count, rows: 3, cols: 3 };
}

describe('data/tensors', () => {
  it('makes [n, rows, cols, 1] float32 images in [0, 1] and int32 labels', () => {
    const set = smallSet();
    const { xs, ys } = imageSetToTensors(set);
    try {
      assert.deepEqual(xs.shape, [4, 3, 3, 1]);
      assert.equal(xs.dtype, 'float32');
      const values = xs.dataSync();
      assert.equal(values[0], 1);
      for (let i = 0; i < values.length; i++) assert.ok(Math.abs(values[i] - set.images[i] / 255) < 1e-7);
      assert.equal(ys.dtype, 'int32');
      assert.deepEqual(ys.shape, [4]);
      assert.deepEqual([...ys.dataSync()], [2, 0, 9, 2]);
    } finally {
      tf.dispose([xs, ys]);
    }
  });

  it('takes a slice and one-hot labels on request, leaking no tensors', () => {
    const before = tf.memory().numTensors;
    const { xs, ys } = imageSetToTensors(smallSet(), { start: 1, count: 2, oneHot: true });
    assert.deepEqual(xs.shape, [2, 3, 3, 1]);
    assert.deepEqual(ys.shape, [2, 10]);
    assert.equal(ys.dtype, 'float32');
    assert.deepEqual(Array.from(ys.dataSync()), [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    assert.ok(Math.abs(xs.dataSync()[0] - smallSet().images[9] / 255) < 1e-7, 'starts at image 1');
    tf.dispose([xs, ys]);
    assert.equal(tf.memory().numTensors, before);
  });

  it('rejects slices outside the set', () => {
    assert.throws(() => imageSetToTensors(smallSet(), { start: 3, count: 2 }), /images 3..5 are outside the set of 4/);
    assert.throws(() => imageSetToTensors(smallSet(), { start: -1 }), RangeError);
  });
});
