/**
 * Our kernels for tfjs-node's `tensorflow` backend (lib/engine/kernels/tensorflow) against the cpu
 * backend: Transform (tf.image.transform, run as TensorFlow's ImageProjectiveTransformV3) for both
 * interpolations, every fill mode, fill values, output shapes, batches and dtypes. Skipped, with
 * the reason printed, where no native tfjs-node is present.
 */
import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/engine';
import { registerTensorflowKernels, TENSORFLOW_KERNELS } from '../../lib/engine/kernels/tensorflow/register';
import { findNativeSource } from '../../lib/engine/native/load';
import { augmentImages, REFERENCE_AUGMENTATION, STRONG_AUGMENTATION } from '../../lib/model/augment';
import type { AugmentOptions } from '../../lib/model/augment';
import { skipIf } from '../helpers/skip';
import { currentBackend, restoreBackend } from '../helpers/tf-backend';
import { randomArray, relativeError, rng } from './helpers';

type Interpolation = 'bilinear' | 'nearest';
type FillMode = 'constant' | 'reflect' | 'wrap' | 'nearest';
const FILL_MODES: readonly FillMode[] = ['constant', 'reflect', 'wrap', 'nearest'];

/** Bilinear agreement asked for (relative to the largest output value). */
const BILINEAR_TOL = 1e-5;

interface TransformCase {
  image: Float32Array | number[];
  shape: [number, number, number, number];
  dtype?: 'float32' | 'int32';
  /** One 8-vector per image, or one for all. */
  transforms: number[][];
  interpolation: Interpolation;
  fillMode: FillMode;
  fillValue: number;
  outputShape?: [number, number];
}

interface Output {
  values: number[];
  shape: number[];
  dtype: string;
}

function transformOnce(c: TransformCase, image: tf.Tensor4D, transforms: tf.Tensor2D): tf.Tensor4D {
  // tf.image.transform takes float32 images only; int32 ones reach the kernel through runKernel.
  if (image.dtype === 'float32') {
    return tf.image.transform(image, transforms, c.interpolation, c.fillMode, c.fillValue, c.outputShape);
  }
  const attrs: tf.NamedAttrMap = { interpolation: c.interpolation, fillMode: c.fillMode, fillValue: c.fillValue };
  if (c.outputShape) attrs.outputShape = c.outputShape;
  return tf.engine().runKernel(tf.Transform, { image, transforms }, attrs) as tf.Tensor4D;
}

/**
 * Transform on `backend`. On cpu the images go one at a time: the tfjs 4.22 cpu kernel returns
 * inside its batch loop, so it only transforms the first image of a batch.
 */
async function transformOn(backend: 'cpu' | 'tensorflow', c: TransformCase): Promise<Output> {
  await tf.setBackend(backend);
  const out = tf.tidy(() => {
    const image = tf.tensor4d(c.image, c.shape, c.dtype ?? 'float32');
    const transforms = tf.tensor2d(c.transforms);
    if (backend === 'tensorflow' || c.shape[0] === 1) return transformOnce(c, image, transforms);
    const parts: tf.Tensor4D[] = [];
    for (let i = 0; i < c.shape[0]; i++) {
      const row = c.transforms.length === 1 ? 0 : i;
      parts.push(transformOnce(c, tf.slice(image, [i, 0, 0, 0], [1, -1, -1, -1]), tf.slice(transforms, [row, 0], [1, 8])));
    }
    return tf.concat(parts, 0);
  });
  const result = { values: Array.from(out.dataSync()), shape: out.shape.slice(), dtype: out.dtype };
  out.dispose();
  return result;
}

/** Runs a case on both backends; checks shapes and dtypes agree and returns both outputs. */
async function bothBackends(c: TransformCase): Promise<{ cpu: Output; native: Output }> {
  const cpu = await transformOn('cpu', c);
  const native = await transformOn('tensorflow', c);
  const [n, h, w, ch] = c.shape;
  const [oh, ow] = c.outputShape ?? [h, w];
  assert.deepStrictEqual(native.shape, [n, oh, ow, ch], 'tensorflow output shape');
  assert.deepStrictEqual(cpu.shape, native.shape, 'cpu and tensorflow shapes');
  assert.strictEqual(native.dtype, c.dtype ?? 'float32');
  assert.strictEqual(cpu.dtype, native.dtype);
  return { cpu, native };
}

/** Output x -> input x: a rotation by `deg` about the centre, a shear, a shift (the augmentation's kind). */
function affine(deg: number, shear: number, tx: number, ty: number, h: number, w: number): number[] {
  const t = (deg * Math.PI) / 180;
  const a = [Math.cos(t), -Math.sin(t) + shear, Math.sin(t), Math.cos(t)];
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  return [a[0], a[1], cx - a[0] * cx - a[1] * cy + tx, a[2], a[3], cy - a[2] * cx - a[3] * cy + ty, 0, 0];
}

/** Several kinds of transform, including a projective one and strong zooms out (much filling). */
function transformsFor(h: number, w: number): Array<[string, number[]]> {
  return [
    ['rotation+shear+shift', affine(17, 0.2, 1.3, -0.7, h, w)],
    ['big rotation, zoom out', affine(-130, 0, 0, 0, h, w).map((v, i) => (i === 2 || i === 5 || i > 5 ? v : v * 1.8))],
    ['far shift (mostly outside)', [1, 0, 2.5 * w, 0, 1, -1.5 * h, 0, 0]],
    ['projective', [0.9, 0.15, 0.4, -0.1, 1.1, -0.3, 0.02, -0.015]],
  ];
}

function maxRelativeError(a: number[], b: number[]): number {
  return relativeError(Float32Array.from(a), Float32Array.from(b));
}

function mismatches(a: number[], b: number[]): number[] {
  const out: number[] = [];
  a.forEach((v, i) => { if (v !== b[i]) out.push(i); });
  return out;
}

/**
 * Output indices (one channel) whose nearest sample cpu reads inside the image but TensorFlow
 * rounds outside: a coordinate exactly at -0.5, with fill mode constant.
 */
function tiesReadOnlyOnCpu(transforms: number[][], [h, w]: [number, number], [oh, ow]: [number, number], cpu: number[], fill: number): number[] {
  const awayFromZero = (v: number) => Math.sign(v) * Math.round(Math.abs(v));
  const inside = (x: number, y: number) => x >= 0 && x < w && y >= 0 && y < h;
  const out: number[] = [];
  cpu.forEach((value, i) => {
    const t = transforms[transforms.length === 1 ? 0 : Math.floor(i / (oh * ow))];
    const [x, y] = [i % ow, Math.floor(i / ow) % oh];
    const xIn = t[0] * x + t[1] * y + t[2];
    const yIn = t[3] * x + t[4] * y + t[5];
    if (inside(Math.round(xIn), Math.round(yIn)) && !inside(awayFromZero(xIn), awayFromZero(yIn)) && value !== fill) out.push(i);
  });
  return out;
}

describe('engine: tensorflow-backend kernels vs cpu', function () {
  this.timeout(60_000);
  let previous: string | undefined;
  /** The largest bilinear relative error seen, printed at the end. */
  let worstBilinear = 0;

  before(async function () {
    const found = findNativeSource();
    skipIf(this, tf.findBackendFactory('tensorflow') || found.source ? null : `no native tfjs-node: ${found.reason}`);
    previous = await currentBackend();
    await initBackend('tensorflow', { quiet: true });
    assert.strictEqual(tf.getBackend(), 'tensorflow');
  });

  after(async () => {
    if (worstBilinear > 0) console.log(`      (Transform bilinear: worst relative difference from cpu ${worstBilinear.toExponential(2)})`);
    await restoreBackend(previous);
  });

  describe('registration', () => {
    it('registers Transform for tensorflow, and registering again changes nothing and warns nothing', () => {
      assert.ok(TENSORFLOW_KERNELS.includes('Transform'));
      const first = tf.getKernel('Transform', 'tensorflow');
      assert.ok(first, 'Transform is registered for tensorflow');
      const warnings: unknown[] = [];
      const warn = console.warn;
      console.warn = (...args: unknown[]) => { warnings.push(args); };
      let names: string[];
      try {
        names = registerTensorflowKernels();
        registerTensorflowKernels();
      } finally {
        console.warn = warn;
      }
      assert.deepStrictEqual(names, [...TENSORFLOW_KERNELS]);
      assert.strictEqual(tf.getKernel('Transform', 'tensorflow'), first, 'the registered kernel was not replaced');
      assert.deepStrictEqual(warnings, []);
    });
  });

  describe('Transform, bilinear', () => {
    const shape: [number, number, number, number] = [1, 6, 7, 2];
    const image = randomArray(tf.util.sizeFromShape(shape), rng(11));

    for (const fillMode of FILL_MODES) {
      it(`agrees with cpu within ${BILINEAR_TOL} (relative) with fill mode ${fillMode}, fill value 2.5, output 9x5 from 6x7`, async () => {
        for (const [name, t] of transformsFor(6, 7)) {
          const { cpu, native } = await bothBackends({
            image, shape, transforms: [t], interpolation: 'bilinear', fillMode, fillValue: 2.5, outputShape: [9, 5],
          });
          const err = maxRelativeError(native.values, cpu.values);
          worstBilinear = Math.max(worstBilinear, err);
          assert.ok(err <= BILINEAR_TOL, `${name}: relative difference ${err.toExponential(2)}`);
        }
      });
    }

    it('samples the values themselves, not just what cpu does: a half-pixel shift and the fill value', async () => {
      // x_in = x + 0.5: each output is the mean of two neighbours; the last column blends the fill value in.
      const c: TransformCase = {
        image: [1, 2, 3, 10, 20, 30], shape: [1, 2, 3, 1], transforms: [[1, 0, 0.5, 0, 1, 0, 0, 0]],
        interpolation: 'bilinear', fillMode: 'constant', fillValue: 7,
      };
      const { native } = await bothBackends(c);
      assert.deepStrictEqual(native.values, [1.5, 2.5, 5, 15, 25, 18.5]);
      const outside = await transformOn('tensorflow', { ...c, transforms: [[1, 0, 50, 0, 1, 0, 0, 0]], fillValue: -3.25 });
      assert.deepStrictEqual(outside.values, [-3.25, -3.25, -3.25, -3.25, -3.25, -3.25]);
      const nearest = await transformOn('tensorflow', { ...c, fillMode: 'nearest' });
      assert.deepStrictEqual(nearest.values, [1.5, 2.5, 3, 15, 25, 30]);
    });

    it('a zero projection gives the fill value, as on cpu', async () => {
      // c0 = -1: the projection 1 - x is 0 in column 1.
      const c: TransformCase = {
        image: [1, 2, 3, 4, 5, 6], shape: [1, 2, 3, 1], transforms: [[1, 0, 0, 0, 1, 0, -1, 0]],
        interpolation: 'bilinear', fillMode: 'nearest', fillValue: 9,
      };
      const { cpu, native } = await bothBackends(c);
      assert.strictEqual(native.values[1], 9);
      assert.strictEqual(native.values[4], 9);
      assert.deepStrictEqual(native.values, cpu.values);
    });
  });

  describe('Transform, nearest', () => {
    it('is exactly equal to cpu on rotations, shears, zooms and projective maps with every fill mode', async () => {
      const shape: [number, number, number, number] = [1, 9, 8, 3];
      const image = randomArray(tf.util.sizeFromShape(shape), rng(12));
      for (const fillMode of FILL_MODES) {
        for (const [name, t] of transformsFor(9, 8)) {
          const { cpu, native } = await bothBackends({
            image, shape, transforms: [t], interpolation: 'nearest', fillMode, fillValue: -1.5, outputShape: [6, 11],
          });
          assert.deepStrictEqual(mismatches(native.values, cpu.values), [], `${fillMode}, ${name}`);
        }
      }
    });

    it('rounds exact ties at -0.5 away from zero (std::round) where cpu rounds up (Math.round): only fill mode constant can tell', async () => {
      // x_in = x - 0.5 puts output column 0 exactly on -0.5: TensorFlow reads column -1 (outside:
      // the fill value), cpu reads column 0. Ties at +k.5 round up on both. The other fill modes map
      // -0.5 into [0, width - 1] before rounding, so they agree everywhere.
      const image = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
      const base: TransformCase = {
        image, shape: [1, 3, 4, 1], transforms: [[1, 0, -0.5, 0, 1, 0, 0, 0]],
        interpolation: 'nearest', fillMode: 'constant', fillValue: -9,
      };
      const { cpu, native } = await bothBackends(base);
      assert.deepStrictEqual(native.values, [-9, 2, 3, 4, -9, 6, 7, 8, -9, 10, 11, 12]);
      assert.deepStrictEqual(cpu.values, image);
      const rowTie = await bothBackends({ ...base, transforms: [[1, 0, 0, 0, 1, -0.5, 0, 0]] });
      assert.deepStrictEqual(mismatches(rowTie.native.values, rowTie.cpu.values), [0, 1, 2, 3], 'ties at y = -0.5: the first row');
      const up = await bothBackends({ ...base, transforms: [[1, 0, 0.5, 0, 1, 0.5, 0, 0]] });
      assert.deepStrictEqual(up.native.values, [6, 7, 8, -9, 10, 11, 12, -9, -9, -9, -9, -9]);
      assert.deepStrictEqual(up.cpu.values, up.native.values);
      for (const fillMode of FILL_MODES.filter((m) => m !== 'constant')) {
        for (const t of [[1, 0, -0.5, 0, 1, -0.5, 0, 0], [1, 0, -1.5, 0, 1, 0.5, 0, 0]]) {
          const { cpu: c2, native: n2 } = await bothBackends({ ...base, fillMode, transforms: [t] });
          assert.deepStrictEqual(n2.values, c2.values, `${fillMode}, [${t.join(', ')}]`);
        }
      }
    });
  });

  describe('Transform, batches, output shapes and dtypes', () => {
    it('transforms every image of a batch with its own transform (compared with cpu image by image)', async () => {
      const shape: [number, number, number, number] = [4, 7, 6, 1];
      const image = randomArray(tf.util.sizeFromShape(shape), rng(13));
      const transforms = [affine(25, 0, 0, 0, 7, 6), affine(-40, 0.1, 1, 1, 7, 6), [1, 0, -1.75, 0, 1, 0.5, 0, 0], [0.8, 0.1, 0.3, 0, 1.2, -0.2, 0.01, 0.02]];
      for (const interpolation of ['bilinear', 'nearest'] as const) {
        const { cpu, native } = await bothBackends({ image, shape, transforms, interpolation, fillMode: 'reflect', fillValue: 0, outputShape: [5, 8] });
        const size = 5 * 8;
        for (let i = 0; i < 4; i++) {
          const got = native.values.slice(i * size, (i + 1) * size);
          const want = cpu.values.slice(i * size, (i + 1) * size);
          if (interpolation === 'nearest') assert.deepStrictEqual(got, want, `image ${i}`);
          else assert.ok(maxRelativeError(got, want) <= BILINEAR_TOL, `image ${i}: ${maxRelativeError(got, want)}`);
          // Each image really got its own transform: applying image 0's transform to it differs.
          if (i > 0) {
            const same = await transformOn('tensorflow', {
              image: image.slice(i * 42, (i + 1) * 42), shape: [1, 7, 6, 1], transforms: [transforms[0]],
              interpolation, fillMode: 'reflect', fillValue: 0, outputShape: [5, 8],
            });
            assert.notDeepStrictEqual(got, same.values, `image ${i} used transform 0`);
          }
        }
      }
    });

    it('applies a single [1, 8] transform to the whole batch', async () => {
      const shape: [number, number, number, number] = [3, 5, 5, 2];
      const image = randomArray(tf.util.sizeFromShape(shape), rng(14));
      const { cpu, native } = await bothBackends({ image, shape, transforms: [affine(33, 0, 0.5, 0, 5, 5)], interpolation: 'bilinear', fillMode: 'wrap', fillValue: 0 });
      assert.ok(maxRelativeError(native.values, cpu.values) <= BILINEAR_TOL);
    });

    it('int32 images (through runKernel: the op takes float32 only) agree exactly with an integer fill value', async () => {
      await tf.setBackend('tensorflow');
      assert.throws(() => tf.image.transform(tf.zeros([1, 2, 2, 1], 'int32') as tf.Tensor4D, tf.tensor2d([[1, 0, 0, 0, 1, 0, 0, 0]])), /float32/);
      const shape: [number, number, number, number] = [2, 6, 5, 1];
      const image = Array.from(randomArray(tf.util.sizeFromShape(shape), rng(15)), (v) => Math.round(v * 100));
      // Dyadic coefficients keep TensorFlow's float32 arithmetic exact, so the truncation to int32 agrees with cpu's doubles.
      const transforms = [[0.75, -0.25, 1.5, 0.5, 1.25, -2.25, 0, 0], [-1, 0, 4, 0, 1, 0.5, 0, 0]];
      for (const interpolation of ['bilinear', 'nearest'] as const) {
        for (const fillMode of FILL_MODES) {
          const { cpu, native } = await bothBackends({ image, shape, dtype: 'int32', transforms, interpolation, fillMode, fillValue: 3, outputShape: [4, 7] });
          // These coefficients land some samples exactly on -0.5, where nearest + constant differs (see above).
          const expected = interpolation === 'nearest' && fillMode === 'constant' ? tiesReadOnlyOnCpu(transforms, [6, 5], [4, 7], cpu.values, 3) : [];
          assert.deepStrictEqual(mismatches(native.values, cpu.values), expected, `${interpolation}, ${fillMode}`);
          if (expected.length) assert.ok(expected.every((i) => native.values[i] === 3));
        }
      }
    });

    it('int32 images with a fractional fill value: TensorFlow truncates the fill value before blending, cpu after', async () => {
      const c: TransformCase = {
        image: [1, 2, 3, 4, 5, 6, 7, 8, 9], shape: [1, 3, 3, 1], dtype: 'int32', transforms: [[1, 0, 0.5, 0, 1, 0.25, 0, 0]],
        interpolation: 'bilinear', fillMode: 'constant', fillValue: 7.9,
      };
      const { cpu, native } = await bothBackends(c);
      // Output (1, 2) samples (x 2.5, y 1.25): 0.75 (0.5 * 6 + 0.5 f) + 0.25 (0.5 * 9 + 0.5 f) is 6.875 with f = 7, 7.325 with f = 7.9.
      assert.deepStrictEqual(native.values, [2, 3, 5, 5, 6, 6, 7, 8, 7]);
      assert.deepStrictEqual(cpu.values, [2, 3, 5, 5, 6, 7, 7, 8, 8]);
      const whole = await bothBackends({ ...c, fillValue: 7 });
      assert.deepStrictEqual(whole.native.values, whole.cpu.values);
    });

    it('rejects an unknown fill mode or interpolation with a clear message', async () => {
      await tf.setBackend('tensorflow');
      const run = (attrs: tf.NamedAttrMap) => tf.tidy(() => tf.engine().runKernel(tf.Transform,
        { image: tf.zeros([1, 2, 2, 1]), transforms: tf.tensor2d([[1, 0, 0, 0, 1, 0, 0, 0]]) }, attrs));
      assert.throws(() => run({ interpolation: 'bilinear', fillMode: 'mirror', fillValue: 0 }), /Transform: fillMode must be one of constant, reflect, wrap, nearest, got mirror/);
      assert.throws(() => run({ interpolation: 'cubic', fillMode: 'constant', fillValue: 0 }), /Transform: interpolation must be one of nearest, bilinear, got cubic/);
    });

    it('leaves no tensor behind but its output', async () => {
      await tf.setBackend('tensorflow');
      const image = tf.ones([2, 4, 4, 1]) as tf.Tensor4D;
      const transforms = tf.tensor2d([[1, 0, 0.5, 0, 1, 0, 0, 0], [1, 0, 0, 0, 1, 0.5, 0, 0]]);
      const before = tf.memory().numTensors;
      const out = tf.image.transform(image, transforms, 'bilinear', 'constant', 0, [3, 3]);
      assert.strictEqual(tf.memory().numTensors, before + 1);
      assert.deepStrictEqual(out.shape, [2, 3, 3, 1]);
      tf.dispose([image, transforms, out]);
    });
  });

  describe('the augmentation (lib/model/augment) on tensorflow', () => {
    const presets: Array<[string, AugmentOptions]> = [
      ['REFERENCE_AUGMENTATION', REFERENCE_AUGMENTATION],
      ['STRONG_AUGMENTATION', STRONG_AUGMENTATION],
      ...FILL_MODES.map((fillMode): [string, AugmentOptions] => [`strong, fill ${fillMode}, cval 0.25`, { ...STRONG_AUGMENTATION, fillMode, cval: 0.25 }]),
      ['reference, nearest interpolation, shear 20', { ...REFERENCE_AUGMENTATION, interpolation: 'nearest', shearRange: 20 }],
    ];
    const shape: [number, number, number, number] = [6, 28, 28, 1];
    // Blurry blobs in [0, 1], digit-like enough that shifts and rotations move real ink.
    const pixels = new Float32Array(tf.util.sizeFromShape(shape));
    const rand = rng(16);
    for (let n = 0; n < 6; n++) {
      const [cx, cy] = [8 + rand() * 12, 8 + rand() * 12];
      for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) pixels[(n * 28 + y) * 28 + x] = Math.exp(-((x - cx) ** 2 + ((y - cy) / 2) ** 2) / 18);
    }

    for (const [name, options] of presets) {
      it(`${name}: the same images as on cpu`, async () => {
        const augmentOn = async (backend: 'cpu' | 'tensorflow') => {
          await tf.setBackend(backend);
          const out = tf.tidy(() => augmentImages(tf.tensor4d(pixels, shape), options, 42));
          const values = Array.from(out.dataSync());
          out.dispose();
          return values;
        };
        const cpu = await augmentOn('cpu');
        const native = await augmentOn('tensorflow');
        if (options.interpolation === 'nearest') assert.deepStrictEqual(mismatches(native, cpu), []);
        else assert.ok(maxRelativeError(native, cpu) <= BILINEAR_TOL, `relative difference ${maxRelativeError(native, cpu)}`);
        assert.ok(maxRelativeError(native, Array.from(pixels)) > 0.05, 'the augmentation changed the images');
      });
    }
  });
});
