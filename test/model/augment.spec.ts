import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import {
  AffineParams,
  IDENTITY_AFFINE,
  REFERENCE_AUGMENTATION,
  STRONG_AUGMENTATION,
  affineMatrixFor,
  applyAffineTransforms,
  augmentImages,
  makeAugmentRandom,
  randomAffineParams,
  validateAugmentOptions,
} from '../../lib/model/augment';
import { describeEachBackend } from '../helpers/backends';

const SIZE = 28;
const CENTRE = (SIZE - 1) / 2;

/** A SIZE x SIZE single-channel image with one bright pixel. */
function dot(row: number, col: number): tf.Tensor4D {
  const data = new Float32Array(SIZE * SIZE);
  data[row * SIZE + col] = 1;
  return tf.tensor4d(data, [1, SIZE, SIZE, 1]);
}

/** Centre of mass (row, col) of a [1, h, w, 1] image. */
function centreOfMass(image: tf.Tensor4D): [number, number] {
  const [, h, w] = image.shape;
  const v = image.dataSync();
  let total = 0;
  let r = 0;
  let c = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const m = v[y * w + x];
      total += m;
      r += m * y;
      c += m * x;
    }
  }
  return [r / total, c / total];
}

function params(p: Partial<AffineParams>): AffineParams {
  return { ...IDENTITY_AFFINE, ...p };
}

function assertNear(actual: number[], expected: number[], tol: number, what: string): void {
  actual.forEach((a, i) => {
    assert.ok(Math.abs(a - expected[i]) <= tol, `${what}: got [${actual.map((x) => x.toFixed(3))}], expected [${expected.map((x) => x.toFixed(3))}]`);
  });
}

/** Where a pixel at input (row, col) lands, by the forward (input->output) map written out by hand. */
function moveDot(p: Partial<AffineParams>, row: number, col: number): [number, number] {
  const out = applyAffineTransforms(dot(row, col), params(p), { fillMode: 'constant' });
  return centreOfMass(out);
}

describe('augment: transform parameters (no tensors)', () => {
  it('identity parameters give the identity transform', () => {
    const { xy, projective } = affineMatrixFor(IDENTITY_AFFINE, SIZE, SIZE);
    assertNear(projective, [1, 0, 0, 0, 1, 0, 0, 0], 1e-12, 'projective');
    assertNear(xy.flat(), [1, 0, 0, 0, 1, 0, 0, 0, 1], 1e-12, 'xy');
  });

  it('randomAffineParams stays in range: fractions scale by the size, larger ranges are pixels', () => {
    const rng = makeAugmentRandom(1);
    for (let i = 0; i < 200; i++) {
      const p = randomAffineParams({ rotationRange: 10, heightShiftRange: 0.1, widthShiftRange: 3, shearRange: 5, zoomRange: 0.2 }, rng, 28, 40);
      assert.ok(Math.abs(p.theta) <= 10 && Math.abs(p.ty) <= 2.8 && Math.abs(p.tx) <= 3 && Math.abs(p.shear) <= 5);
      assert.ok(p.zx >= 0.8 && p.zx <= 1.2 && p.zy >= 0.8 && p.zy <= 1.2 && p.zx !== p.zy);
    }
    const q = randomAffineParams({ zoomRange: [1.5, 2] }, rng);
    assert.ok(q.zx >= 1.5 && q.zx <= 2 && q.theta === 0 && q.tx === 0);
    const wide = Array.from({ length: 200 }, () => randomAffineParams({ widthShiftRange: 0.1 }, rng, 10, 100));
    assert.ok(wide.some((p) => Math.abs(p.tx) > 5) && wide.every((p) => Math.abs(p.tx) <= 10 && p.ty === 0));
  });

  it('rejects unknown option names (listing the known ones) and values of the wrong type', () => {
    assert.throws(() => validateAugmentOptions({ foo: 3 } as never),
      /^Error: augment: unknown option "foo"; the options are rotationRange, widthShiftRange, heightShiftRange, shearRange, zoomRange, fillMode, cval, interpolation, elasticRange$/);
    assert.throws(() => validateAugmentOptions({ rotation: 10, zoom: 0.1 } as never), /unknown options "rotation", "zoom"/);
    assert.throws(() => validateAugmentOptions({ rotationRange: '10' } as never), /rotationRange must be a finite number >= 0, got "10"/);
    assert.throws(() => validateAugmentOptions({ cval: true } as never), /cval must be a finite number, got true/);
    assert.throws(() => validateAugmentOptions({ zoomRange: ['0.9', 1.1] } as never), /zoomRange as a pair/);
    assert.throws(() => validateAugmentOptions(null as never), /must be an object/);
    assert.deepEqual(validateAugmentOptions({ ...STRONG_AUGMENTATION, fillMode: 'constant', cval: 0, interpolation: 'nearest' }), [0.9, 1.1]);
  });

  it('the reference augmentation is what the Keras notebook used (shear 0.1 degrees)', () => {
    assert.deepEqual({ ...REFERENCE_AUGMENTATION }, {
      rotationRange: 5, widthShiftRange: 0.1, heightShiftRange: 0.1, shearRange: 0.1, fillMode: 'nearest',
    });
  });
});

describeEachBackend('augment: Keras-style random affine augmentation', () => {
  beforeEach(() => tf.engine().startScope());
  afterEach(() => tf.engine().endScope());

  it('a shift moves a bright pixel by -tx columns and -ty rows', () => {
    // Keras maps output->input: output(x, y) samples input(x + tx, y + ty).
    const out = applyAffineTransforms(dot(10, 12), params({ tx: 3, ty: -2 }), { fillMode: 'constant' });
    const v = out.dataSync();
    assert.equal(v[12 * SIZE + 9], 1);
    assert.equal(Array.from(v).reduce((a, b) => a + b, 0), 1);
  });

  it('a rotation moves a bright pixel about the image centre (counter-clockwise on screen)', () => {
    const theta = 30;
    const t = (theta * Math.PI) / 180;
    const [px, py] = [9 - CENTRE, 6 - CENTRE];
    // Inverse of Keras' [[cos, -sin], [sin, cos]] (in x, y) applied to the centred input point.
    const [ox, oy] = [Math.cos(t) * px + Math.sin(t) * py, -Math.sin(t) * px + Math.cos(t) * py];
    const expected = [CENTRE + oy, CENTRE + ox];
    assertNear(moveDot({ theta }, 6, 9), expected, 0.2, 'rotation');
  });

  it('a shear moves a bright pixel as the Keras shear matrix says', () => {
    const shear = 20;
    const s = (shear * Math.PI) / 180;
    const [px, py] = [18 - CENTRE, 8 - CENTRE];
    // Keras' shear [[1, -sin], [0, cos]] (in x, y) slants rows sideways: x' = x - sin(s) y, y' = cos(s) y.
    const expected = [CENTRE + py / Math.cos(s), CENTRE + px + Math.tan(s) * py];
    assertNear(moveDot({ shear }, 8, 18), expected, 0.2, 'shear');
  });

  it('zoom scales x by 1/zx and y by 1/zy about the centre, independently', () => {
    const [px, py] = [16 - CENTRE, 5 - CENTRE];
    const expected = [CENTRE + py / 0.8, CENTRE + px / 1.25];
    assertNear(moveDot({ zx: 1.25, zy: 0.8 }, 5, 16), expected, 0.2, 'zoom');
  });

  it('rotating by 90 degrees equals transpose + up-down flip (numpy rot90)', () => {
    const image = tf.randomUniform([1, 9, 9, 1], 0, 1, 'float32', 7) as tf.Tensor4D;
    const rotated = applyAffineTransforms(image, params({ theta: 90 }));
    const expected = tf.reverse(tf.transpose(image, [0, 2, 1, 3]), 1);
    assertNear(Array.from(rotated.dataSync()), Array.from(expected.dataSync()), 1e-4, '90 degrees');
  });

  describe('fill modes fill as documented (row abcd = 1 2 3 4, shifted 2 columns)', () => {
    const row = [1, 2, 3, 4];
    const image = (): tf.Tensor4D => tf.tensor4d([...row, ...row], [1, 2, 4, 1]);
    const firstRow = (t: tf.Tensor4D): number[] => Array.from(t.dataSync().slice(0, 4)).map((x) => Math.round(x * 1e4) / 1e4);
    const cases: Array<[string, number, number[], number[]]> = [
      // mode, cval, content moved right (samples cols -2..1), moved left (samples cols 2..5)
      ['constant', 9, [9, 9, 1, 2], [3, 4, 9, 9]],
      ['nearest', 0, [1, 1, 1, 2], [3, 4, 4, 4]],
      ['reflect', 0, [2, 1, 1, 2], [3, 4, 4, 3]],
      ['wrap', 0, [3, 4, 1, 2], [3, 4, 1, 2]],
    ];
    for (const [mode, cval, right, left] of cases) {
      it(mode, () => {
        const fillMode = mode as 'constant' | 'nearest' | 'reflect' | 'wrap';
        assert.deepEqual(firstRow(applyAffineTransforms(image(), params({ tx: -2 }), { fillMode, cval })), right);
        assert.deepEqual(firstRow(applyAffineTransforms(image(), params({ tx: 2 }), { fillMode, cval })), left);
      });
    }
  });

  it('the same seed gives the same output; another seed a different one', () => {
    const images = tf.randomUniform([4, SIZE, SIZE, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
    const a = augmentImages(images, REFERENCE_AUGMENTATION, 42).dataSync();
    const b = augmentImages(images, REFERENCE_AUGMENTATION, 42).dataSync();
    const c = augmentImages(images, REFERENCE_AUGMENTATION, 43).dataSync();
    assert.deepEqual(Array.from(a), Array.from(b));
    assert.notDeepEqual(Array.from(a), Array.from(c));
  });

  it('each image of a batch gets its own transform', () => {
    const one = dot(14, 14);
    const batch = tf.concat([one, one, one], 0) as tf.Tensor4D;
    const out = augmentImages(batch, { widthShiftRange: 5, fillMode: 'constant' }, 5);
    const rng = makeAugmentRandom(5);
    for (let i = 0; i < 3; i++) {
      const p = randomAffineParams({ widthShiftRange: 5 }, rng, SIZE, SIZE);
      const image = tf.slice(out, [i, 0, 0, 0], [1, -1, -1, -1]) as tf.Tensor4D;
      assertNear(centreOfMass(image), [14, 14 - p.tx], 1e-3, `image ${i}`);
    }
  });

  it('keeps the shape, casts to float32 and leaks no tensors', () => {
    const images = tf.ones([2, 5, 7, 3], 'int32') as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const out = augmentImages(images, REFERENCE_AUGMENTATION, 1);
    assert.deepEqual(out.shape, [2, 5, 7, 3]);
    assert.equal(out.dtype, 'float32');
    assert.equal(tf.memory().numTensors, before + 1);
  });

  it('rejects bad options and shapes with a message naming the problem', () => {
    const images = tf.zeros([1, 4, 4, 1]) as tf.Tensor4D;
    assert.throws(() => augmentImages(images, { rotationRange: -1 }, 1), /rotationRange/);
    assert.throws(() => augmentImages(images, { zoomRange: 1.5 }, 1), /zoomRange/);
    assert.throws(() => augmentImages(images, { zoomRange: [2, 1] }, 1), /zoomRange/);
    assert.throws(() => augmentImages(images, { fillMode: 'mirror' as never }, 1), /fillMode/);
    assert.throws(() => augmentImages(images, { rotationRange: 5, foo: 3 } as never, 1), /unknown option "foo"/);
    assert.throws(() => augmentImages(tf.zeros([4, 4, 1]) as unknown as tf.Tensor4D, {}, 1), /4-D/);
    assert.throws(() => applyAffineTransforms(images, [IDENTITY_AFFINE, IDENTITY_AFFINE]), /2 transforms for a batch of 1/);
  });
});
