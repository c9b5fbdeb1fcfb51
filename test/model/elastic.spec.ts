import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import { augmentImages, makeAugmentRandom, validateAugmentOptions } from '../../lib/model/augment';
import { elasticDistort } from '../../lib/model/elastic';

const SIZE = 28;

function dotPixels(row: number, col: number): Float32Array {
  const data = new Float32Array(SIZE * SIZE);
  data[row * SIZE + col] = 1;
  return data;
}

/** Pixels of `pixels` above zero, as [row, col]. */
function inked(pixels: Float32Array): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  pixels.forEach((v, i) => { if (v > 1e-6) out.push([Math.floor(i / SIZE), i % SIZE]); });
  return out;
}

describe('elastic distortion', () => {
  it('range 0 leaves a picture exactly as it was', () => {
    const picture = Float32Array.from({ length: SIZE * SIZE }, (_, i) => (i * 37 % 101) / 100);
    assert.deepEqual(Array.from(elasticDistort(picture, 1, SIZE, SIZE, 0, makeAugmentRandom(3))), Array.from(picture));
  });

  it('moves ink by at most the range (plus the one pixel bilinear sampling spreads it)', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const moved = elasticDistort(dotPixels(14, 14), 1, SIZE, SIZE, 2, makeAugmentRandom(seed));
      const ink = inked(moved);
      assert.ok(ink.length > 0, `seed ${seed}: the dot vanished`);
      for (const [r, c] of ink) assert.ok(Math.abs(r - 14) <= 3 && Math.abs(c - 14) <= 3, `seed ${seed}: ink at ${r},${c}`);
    }
  });

  it('really warps: a straight stroke comes out bent, differently for each picture and seed', () => {
    const stroke = new Float32Array(SIZE * SIZE);
    for (let r = 4; r < 24; r++) stroke[r * SIZE + 14] = 1;
    const two = new Float32Array(2 * SIZE * SIZE);
    two.set(stroke, 0);
    two.set(stroke, SIZE * SIZE);
    const a = elasticDistort(two, 2, SIZE, SIZE, 3, makeAugmentRandom(1));
    const b = elasticDistort(two, 2, SIZE, SIZE, 3, makeAugmentRandom(2));
    const first = a.subarray(0, SIZE * SIZE);
    const second = a.subarray(SIZE * SIZE);
    assert.notDeepEqual(Array.from(first), Array.from(stroke));
    assert.notDeepEqual(Array.from(first), Array.from(second));
    assert.notDeepEqual(Array.from(a), Array.from(b));
    assert.deepEqual(Array.from(elasticDistort(two, 2, SIZE, SIZE, 3, makeAugmentRandom(1))), Array.from(a));
    // Column of the stroke's centre in each row: a bend means the rows disagree.
    const centres = [];
    for (let r = 8; r < 20; r++) {
      let mass = 0;
      let sum = 0;
      for (let c = 0; c < SIZE; c++) { mass += first[r * SIZE + c]; sum += c * first[r * SIZE + c]; }
      centres.push(sum / mass);
    }
    assert.ok(Math.max(...centres) - Math.min(...centres) > 0.2, `stroke centres ${centres.map((c) => c.toFixed(2)).join(' ')}`);
  });

  it('keeps an even picture even (edges repeat outward, nothing is pulled in from outside)', () => {
    const grey = new Float32Array(SIZE * SIZE).fill(0.5);
    for (const v of elasticDistort(grey, 1, SIZE, SIZE, 4, makeAugmentRandom(9))) assert.ok(Math.abs(v - 0.5) < 1e-6);
  });

  it('checks the size of what it is given', () => {
    assert.throws(() => elasticDistort(new Float32Array(10), 1, SIZE, SIZE, 2, makeAugmentRandom(1)), /expected 1 x 28 x 28 = 784 values, got 10/);
  });

  it('augmentImages applies it after the affine transform, and only when asked', () => {
    const images = tf.tensor4d(dotPixels(10, 12), [1, SIZE, SIZE, 1]);
    const plain = augmentImages(images, { rotationRange: 10 }, 5);
    const zero = augmentImages(images, { rotationRange: 10, elasticRange: 0 }, 5);
    const warped = augmentImages(images, { rotationRange: 10, elasticRange: 2 }, 5);
    assert.deepEqual(Array.from(zero.dataSync()), Array.from(plain.dataSync()));
    assert.notDeepEqual(Array.from(warped.dataSync()), Array.from(plain.dataSync()));
    assert.deepEqual(warped.shape, [1, SIZE, SIZE, 1]);
    tf.dispose([images, plain, zero, warped]);
  });

  it('rejects a bad range and pictures it cannot warp, naming the problem', () => {
    assert.throws(() => validateAugmentOptions({ elasticRange: -1 }), /elasticRange must be a finite number >= 0, got -1/);
    const rgb = tf.zeros([1, 4, 4, 3]) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    assert.throws(() => augmentImages(rgb, { elasticRange: 1 }, 1), /elasticRange needs one-channel pictures/);
    assert.equal(tf.memory().numTensors, before);
    rgb.dispose();
  });
});
