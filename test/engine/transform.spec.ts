/**
 * Our wasm `Transform` kernel (lib/engine/kernels/transform.ts) against the cpu backend: every
 * fill mode and interpolation, float32 and int32 images, output shapes, fill values, batches with
 * one transform per image or one for all. The stock wasm kernel is wrong for fill mode 'reflect'
 * and for int32 images; float32 images with the other fill modes still go to it.
 *
 * The tfjs 4.22 cpu kernel transforms only the first image of a batch, so cpu results are
 * computed image by image. Our own sampling (reflect, int32) does cpu's arithmetic and is
 * compared exactly; the stock kernel computes in float32, so its bilinear results get a tolerance.
 */
import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { initBackend, WASM_TRAINING_KERNELS } from '../../lib/engine';
import { reflectCoord, transformWasm } from '../../lib/engine/kernels/transform';
import { heapOf, stockKernel, WasmBackendHandle } from '../../lib/engine/kernels/wasm-scope';
import { augmentImages, REFERENCE_AUGMENTATION, STRONG_AUGMENTATION } from '../../lib/model/augment';
import type { AugmentOptions } from '../../lib/model/augment';
import { skipIf } from '../helpers/skip';
import { pinBackend } from '../helpers/tf-backend';
import { randomArray, relativeError, rng } from './helpers';

type Interpolation = 'bilinear' | 'nearest';
type FillMode = 'constant' | 'reflect' | 'wrap' | 'nearest';
type Dtype = 'float32' | 'int32';
const FILL_MODES: readonly FillMode[] = ['constant', 'reflect', 'wrap', 'nearest'];
const INTERPOLATIONS: readonly Interpolation[] = ['bilinear', 'nearest'];

/** Agreement asked of the stock kernel's bilinear results (relative to the largest value). */
const STOCK_BILINEAR_TOL = 1e-5;

interface TransformCase {
  image: number[];
  shape: [number, number, number, number];
  dtype?: Dtype;
  /** One 8-vector per image, or one for all. */
  transforms: number[][];
  interpolation: Interpolation;
  fillMode: FillMode;
  fillValue: number;
  outputShape?: [number, number];
}

/** Transform through runKernel: tf.image.transform takes float32 images only. */
function runTransform(c: TransformCase, image: tf.Tensor, transforms: tf.Tensor): tf.Tensor {
  const attrs: tf.NamedAttrMap = { interpolation: c.interpolation, fillMode: c.fillMode, fillValue: c.fillValue };
  if (c.outputShape) attrs.outputShape = c.outputShape;
  return tf.engine().runKernel(tf.Transform, { image, transforms }, attrs) as tf.Tensor;
}

function read(t: tf.Tensor): number[] {
  const values = Array.from(t.dataSync());
  t.dispose();
  return values;
}

/** The whole batch in one wasm call. */
async function onWasm(c: TransformCase): Promise<number[]> {
  await tf.setBackend('wasm');
  const out = tf.tidy(() => runTransform(c, tf.tensor4d(c.image, c.shape, c.dtype ?? 'float32'), tf.tensor2d(c.transforms)));
  const [n, h, w, ch] = c.shape;
  const [oh, ow] = c.outputShape ?? [h, w];
  assert.deepStrictEqual(out.shape, [n, oh, ow, ch], 'wasm output shape');
  assert.strictEqual(out.dtype, c.dtype ?? 'float32', 'wasm output dtype');
  return read(out);
}

/** On cpu, one image at a time (its kernel stops after the first image of a batch). */
async function onCpu(c: TransformCase): Promise<number[]> {
  await tf.setBackend('cpu');
  const out = tf.tidy(() => {
    const image = tf.tensor4d(c.image, c.shape, c.dtype ?? 'float32');
    const parts = Array.from({ length: c.shape[0] }, (_, i) => runTransform(c,
      tf.slice(image, [i, 0, 0, 0], [1, -1, -1, -1]), tf.tensor2d([c.transforms[c.transforms.length === 1 ? 0 : i]])));
    return tf.concat(parts, 0);
  });
  return read(out);
}

function mismatches(got: number[], want: number[]): number[] {
  const out: number[] = [];
  got.forEach((v, i) => { if (!Object.is(v, want[i])) out.push(i); });
  return out;
}

function maxRelativeError(got: number[], want: number[]): number {
  return relativeError(Float32Array.from(got), Float32Array.from(want));
}

/** Whether a case runs our sampling (exact agreement) rather than the stock kernel. */
function oursSamples(c: TransformCase): boolean {
  return c.fillMode === 'reflect' || (c.dtype ?? 'float32') === 'int32';
}

/** Runs a case on both backends and checks agreement: exact where it should be, else within tolerance. */
async function expectAsCpu(c: TransformCase, label: string): Promise<number[]> {
  const want = await onCpu(c);
  const got = await onWasm(c);
  if (oursSamples(c) || c.interpolation === 'nearest') {
    const bad = mismatches(got, want);
    assert.deepStrictEqual(bad, [], `${label}: ${bad.length} of ${want.length} values differ from cpu, first at ${bad[0]}: ${got[bad[0]]} vs ${want[bad[0]]}`);
  } else {
    const err = maxRelativeError(got, want);
    assert.ok(err <= STOCK_BILINEAR_TOL, `${label}: relative difference from cpu ${err.toExponential(2)}`);
  }
  return got;
}

/** Output -> input map of a rotation by `deg` about the centre, a shear, a zoom `z` and a shift. */
function affine(deg: number, shear: number, z: number, tx: number, ty: number, h: number, w: number): number[] {
  const t = (deg * Math.PI) / 180;
  const a = [z * Math.cos(t), z * (-Math.sin(t) + shear), z * Math.sin(t), z * Math.cos(t)];
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  return [a[0], a[1], cx - a[0] * cx - a[1] * cy + tx, a[2], a[3], cy - a[2] * cx - a[3] * cy + ty, 0, 0];
}

/** Kinds of transform: the augmentation's, strong zooms out, far shifts both ways, mirrors, projective. */
function transformsFor(h: number, w: number): Array<[string, number[]]> {
  return [
    ['rotation+shear+shift', affine(17, 0.2, 1, 1.3, -0.7, h, w)],
    ['big rotation, zoom out 2.3x', affine(-130, 0, 2.3, 0.4, 0.2, h, w)],
    ['far shift right and up (periods away)', [1, 0, -3.3 * w, 0, 1, 2.6 * h, 0, 0]],
    ['far shift left and down', [1, 0, 4.45 * w, 0, 1, -5.1 * h, 0, 0]],
    ['mirror both axes, shifted', [-1.1, 0, w + 0.35, 0, -0.9, h - 2.2, 0, 0]],
    ['projective', [0.9, 0.15, 0.4, -0.1, 1.1, -0.3, 0.02, -0.015]],
  ];
}

function imageValues(size: number, dtype: Dtype, seed: number): number[] {
  const values = Array.from(randomArray(size, rng(seed)));
  return dtype === 'int32' ? values.map((v) => Math.round(v * 1000)) : values;
}

describe('engine: wasm Transform kernel', function () {
  this.timeout(120_000);
  pinBackend('wasm');

  describe('registration', () => {
    it('is registered on wasm with the training kernels, replacing the stock kernel', () => {
      assert.ok(WASM_TRAINING_KERNELS.some((k) => k.kernelName === 'Transform'));
      assert.strictEqual(tf.getKernel('Transform', 'wasm')?.kernelFunc, transformWasm);
      assert.ok(stockKernel('Transform'), 'the stock kernel was kept for the fill modes it gets right');
    });
  });

  describe('fill mode reflect (dcba|abcd|dcba)', () => {
    const row = [1, 2, 3, 4, 5, 6];
    const shift = (tx: number): TransformCase => ({
      image: row, shape: [1, 1, 6, 1], transforms: [[1, 0, tx, 0, 1, 0, 0, 0]], interpolation: 'bilinear', fillMode: 'reflect', fillValue: 0,
    });

    it('a 1x6 row [1..6] shifted 2 right gives [2,1,1,2,3,4], and 2 left [3,4,5,6,6,5] (Keras, scipy, cpu)', async () => {
      for (const interpolation of INTERPOLATIONS) {
        for (const dtype of ['float32', 'int32'] as const) {
          assert.deepStrictEqual(await expectAsCpu({ ...shift(-2), interpolation, dtype }, `right, ${interpolation}, ${dtype}`), [2, 1, 1, 2, 3, 4]);
          assert.deepStrictEqual(await expectAsCpu({ ...shift(2), interpolation, dtype }, `left, ${interpolation}, ${dtype}`), [3, 4, 5, 6, 6, 5]);
        }
      }
    });

    it('the stock kernel still gets it wrong (when this fails, tfjs fixed it and ours may go)', async () => {
      await tf.setBackend('wasm');
      const backend = tf.backend();
      const image = tf.tensor4d(row, [1, 1, 6, 1]);
      const transforms = tf.tensor2d([[1, 0, -2, 0, 1, 0, 0, 0]]);
      const attrs = { interpolation: 'nearest', fillMode: 'reflect', fillValue: 0, outputShape: null } as unknown as tf.NamedAttrMap;
      const out = stockKernel('Transform')!({ inputs: { image, transforms }, backend, attrs }) as tf.TensorInfo;
      const values = Array.from(backend.readSync(out.dataId) as Float32Array);
      backend.disposeData(out.dataId);
      tf.dispose([image, transforms]);
      assert.deepStrictEqual(values, [6, 6, 1, 2, 3, 4]);
    });

    it('samples half pixels and far-away points as the reflected image does', async () => {
      // Half a pixel right of centre blends neighbours; -0.5 lies on the mirror line, so it is pixel 0.
      assert.deepStrictEqual(await onWasm(shift(-0.5)), [1, 1.5, 2.5, 3.5, 4.5, 5.5]);
      // The reflected row repeats every 12 pixels: x - 25 and x + 23 sample what x - 1 does, x - 11 what x + 1 does.
      assert.deepStrictEqual(await onWasm({ ...shift(-25), interpolation: 'nearest' }), [1, 1, 2, 3, 4, 5]);
      assert.deepStrictEqual(await onWasm({ ...shift(23), interpolation: 'nearest' }), [1, 1, 2, 3, 4, 5]);
      assert.deepStrictEqual(await onWasm({ ...shift(-11), interpolation: 'nearest' }), [2, 3, 4, 5, 6, 6]);
    });

    it('reflectCoord folds like repeated mirroring at -0.5 and len - 0.5, clamped to the outer centres', () => {
      const rand = rng(3);
      const fold = (c: number, len: number): number => {
        let x = c;
        while (x < -0.5 || x > len - 0.5) x = x < -0.5 ? -1 - x : 2 * len - 1 - x;
        return Math.min(Math.max(x, 0), len - 1);
      };
      for (let i = 0; i < 5000; i++) {
        const len = 1 + Math.floor(rand() * 9);
        const c = (rand() - 0.5) * 12 * len;
        const got = reflectCoord(c, len);
        assert.ok(Math.abs(got - fold(c, len)) < 1e-9, `reflectCoord(${c}, ${len}) = ${got}, folding gives ${fold(c, len)}`);
      }
      assert.ok(Number.isNaN(reflectCoord(NaN, 5)));
    });
  });

  describe('single images against cpu', () => {
    for (const dtype of ['float32', 'int32'] as const) {
      for (const fillMode of FILL_MODES) {
        for (const interpolation of INTERPOLATIONS) {
          const how = oursSamples({ fillMode, dtype } as TransformCase) ? 'exactly (our sampling)' : interpolation === 'nearest' ? 'exactly (stock kernel)' : 'within tolerance (stock kernel)';
          it(`${dtype}, fill ${fillMode}, ${interpolation}: agrees with cpu ${how}`, async () => {
            const shapes: Array<[number, number, number, number]> = [[1, 6, 7, 2], [1, 9, 8, 3], [1, 1, 5, 1], [1, 5, 1, 2]];
            for (const [s, shape] of shapes.entries()) {
              const image = imageValues(tf.util.sizeFromShape(shape), dtype, 10 + s);
              for (const [name, t] of transformsFor(shape[1], shape[2])) {
                for (const [fillValue, outputShape] of [[0, undefined], [dtype === 'int32' ? 7 : 2.5, [9, 5]], [-1.75, [4, 11]]] as const) {
                  await expectAsCpu({ image, shape, dtype, transforms: [t], interpolation, fillMode, fillValue, outputShape: outputShape && [...outputShape] },
                    `${shape} ${name}, fill value ${fillValue}, output ${outputShape ?? 'same'}`);
                }
              }
            }
          });
        }
      }
    }

    it('a zero projection gives the fill value, as on cpu', async () => {
      // c0 = -1: the projection 1 - x is 0 in column 1.
      for (const fillMode of FILL_MODES) {
        for (const dtype of ['float32', 'int32'] as const) {
          const got = await expectAsCpu({
            image: [1, 2, 3, 4, 5, 6], shape: [1, 2, 3, 1], dtype, transforms: [[1, 0, 0, 0, 1, 0, -1, 0]], interpolation: 'bilinear', fillMode, fillValue: 9,
          }, `${fillMode}, ${dtype}`);
          assert.deepStrictEqual([got[1], got[4]], [9, 9]);
        }
      }
    });

    it('int32 images: a fractional fill value and bilinear blends truncate toward zero, as on cpu', async () => {
      const c: TransformCase = {
        image: [1, 2, 3, -4, -5, -6, 7, 8, 9], shape: [1, 3, 3, 1], dtype: 'int32', transforms: [[1, 0, 0.5, 0, 1, 0.25, 0, 0]],
        interpolation: 'bilinear', fillMode: 'constant', fillValue: 7.9,
      };
      // Output (0, 1) samples (x 0.5, y 1.25): 0.75 * -4.5 + 0.25 * 7.5 = -1.5, truncated to -1. Output (2, 0)
      // blends the unrounded fill value in: 0.75 (0.5 * 3 + 0.5 * 7.9) + 0.25 (0.5 * -6 + 0.5 * 7.9) = 4.325.
      assert.deepStrictEqual(await expectAsCpu(c, 'fractional fill'), [0, 0, 4, -1, -2, 2, 7, 8, 8]);
      assert.deepStrictEqual(await expectAsCpu({ ...c, transforms: [[1, 0, 9, 0, 1, 0, 0, 0]] }, 'all outside'), new Array(9).fill(7));
    });

    it('ties at -0.5 (nearest, constant) round away from zero for int32 as the stock kernel does for float32; cpu rounds up', async () => {
      const base: TransformCase = {
        image: [1, 2, 3, 4, 5, 6, 7, 8], shape: [1, 2, 4, 1], transforms: [[1, 0, -0.5, 0, 1, 0, 0, 0]], interpolation: 'nearest', fillMode: 'constant', fillValue: -9,
      };
      const expected = [-9, 2, 3, 4, -9, 6, 7, 8];
      assert.deepStrictEqual(await onWasm(base), expected, 'float32 (stock kernel)');
      assert.deepStrictEqual(await onWasm({ ...base, dtype: 'int32' }), expected, 'int32 (ours)');
      assert.deepStrictEqual(await onCpu({ ...base, dtype: 'int32' }), base.image, 'cpu reads column 0');
    });
  });

  describe('batches against cpu image by image', () => {
    const shape: [number, number, number, number] = [4, 7, 6, 2];
    const perImage = [affine(25, 0, 1, 0, 0, 7, 6), affine(-40, 0.1, 1.4, 1, 1, 7, 6), [1, 0, -1.75, 0, 1, 2.5, 0, 0], [0.8, 0.1, 0.3, 0, 1.2, -0.2, 0.01, 0.02]];

    for (const dtype of ['float32', 'int32'] as const) {
      const image = imageValues(tf.util.sizeFromShape(shape), dtype, 20);
      for (const fillMode of FILL_MODES) {
        it(`${dtype}, fill ${fillMode}: one transform per image, each image its own, output 5x8`, async () => {
          for (const interpolation of INTERPOLATIONS) {
            const c: TransformCase = { image, shape, dtype, transforms: perImage, interpolation, fillMode, fillValue: 3, outputShape: [5, 8] };
            const got = await expectAsCpu(c, interpolation);
            // Image 0's transform applied to the whole batch gives other images 1..3.
            const shared = await onWasm({ ...c, transforms: [perImage[0]] });
            for (let i = 1; i < 4; i++) {
              const size = 5 * 8 * 2;
              assert.notDeepStrictEqual(got.slice(i * size, (i + 1) * size), shared.slice(i * size, (i + 1) * size), `image ${i} used transform 0`);
            }
          }
        });

        it(`${dtype}, fill ${fillMode}: one [1, 8] transform for the whole batch`, async () => {
          for (const interpolation of INTERPOLATIONS) {
            await expectAsCpu({ image, shape, dtype, transforms: [affine(-33, 0.05, 0.7, 0.5, -1, 7, 6)], interpolation, fillMode, fillValue: -2 }, interpolation);
          }
        });
      }
    }
  });

  describe('the wasm heap, threads and tensors', () => {
    it('runs on the threaded build (a shared heap) where this Node has wasm threads', async function () {
      const info = await initBackend('wasm', { quiet: true });
      skipIf(this, (info.threads ?? 1) > 1 ? null : `single-threaded wasm here (${info.reason})`);
      assert.ok(heapOf(tf.backend() as unknown as WasmBackendHandle) instanceof SharedArrayBuffer, 'the threaded build shares its heap');
      const shape: [number, number, number, number] = [8, 28, 28, 1];
      const image = imageValues(tf.util.sizeFromShape(shape), 'float32', 30);
      const transforms = Array.from({ length: 8 }, (_, i) => affine(-20 + 5 * i, 0, 1 + 0.05 * i, i - 4, 4 - i, 28, 28));
      await expectAsCpu({ image, shape, transforms, interpolation: 'bilinear', fillMode: 'reflect', fillValue: 0 }, 'reflect on the threaded build');
    });

    it('leaves no tensor and no backend data behind but its output, on both paths', async () => {
      await tf.setBackend('wasm');
      const backend = tf.backend();
      for (const [fillMode, dtype] of [['reflect', 'float32'], ['nearest', 'float32'], ['wrap', 'int32']] as const) {
        const image = tf.ones([2, 4, 4, 1], dtype);
        const transforms = tf.tensor2d([[1, 0, 0.5, 0, 1, 0, 0, 0], [1, 0, 0, 0, 1, 0.5, 0, 0]]);
        const [tensors, data] = [tf.memory().numTensors, backend.numDataIds()];
        const out = runTransform({ interpolation: 'bilinear', fillMode, fillValue: 0, outputShape: [3, 3] } as TransformCase, image, transforms);
        assert.strictEqual(tf.memory().numTensors, tensors + 1, fillMode);
        assert.strictEqual(backend.numDataIds(), data + 1, fillMode);
        assert.deepStrictEqual(out.shape, [2, 3, 3, 1]);
        tf.dispose([image, transforms, out]);
      }
    });

    it('rejects an unknown fill mode or interpolation, and transforms of the wrong shape, with a clear message', async () => {
      await tf.setBackend('wasm');
      const run = (attrs: Partial<TransformCase>, transforms = [[1, 0, 0, 0, 1, 0, 0, 0]]) => tf.tidy(() => runTransform(
        { interpolation: 'bilinear', fillMode: 'constant', fillValue: 0, ...attrs } as TransformCase, tf.zeros([2, 2, 2, 1]), tf.tensor2d(transforms)));
      assert.throws(() => run({ fillMode: 'mirror' as FillMode }), /Transform: fillMode must be one of constant, nearest, reflect, wrap, got mirror/);
      assert.throws(() => run({ interpolation: 'cubic' as Interpolation }), /Transform: interpolation must be one of nearest, bilinear, got cubic/);
      assert.throws(() => run({}, [[1, 0, 0, 0, 1, 0, 0, 0], [1, 0, 0, 0, 1, 0, 0, 0], [1, 0, 0, 0, 1, 0, 0, 0]]), /transforms must be \[1, 8\] or \[2, 8\], got \[3, 8\]/);
    });
  });

  describe('the augmentation (lib/model/augment) on wasm', () => {
    const presets: Array<[string, AugmentOptions]> = [
      ['REFERENCE_AUGMENTATION', REFERENCE_AUGMENTATION],
      ...FILL_MODES.map((fillMode): [string, AugmentOptions] => [`strong, fill ${fillMode}, cval 0.25`, { ...STRONG_AUGMENTATION, fillMode, cval: 0.25 }]),
      ['strong, reflect, nearest interpolation, shift 0.4', { ...STRONG_AUGMENTATION, fillMode: 'reflect', interpolation: 'nearest', widthShiftRange: 0.4, heightShiftRange: 0.4 }],
    ];
    const shape: [number, number, number, number] = [6, 28, 28, 1];
    // Off-centre blobs, so the filled borders hold ink that reflect and the other modes place differently.
    const pixels = new Float32Array(tf.util.sizeFromShape(shape));
    const rand = rng(40);
    for (let n = 0; n < 6; n++) {
      const [cx, cy] = [2 + rand() * 24, 2 + rand() * 24];
      for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) pixels[(n * 28 + y) * 28 + x] = Math.exp(-((x - cx) ** 2 + ((y - cy) / 2) ** 2) / 18);
    }

    for (const [name, options] of presets) {
      it(`${name}: the images cpu gives`, async () => {
        const augmentOn = async (backend: 'cpu' | 'wasm') => {
          await tf.setBackend(backend);
          return read(tf.tidy(() => augmentImages(tf.tensor4d(pixels, shape), options, 42)));
        };
        const cpu = await augmentOn('cpu');
        const wasm = await augmentOn('wasm');
        if (options.fillMode === 'reflect' || options.interpolation === 'nearest') assert.deepStrictEqual(mismatches(wasm, cpu), []);
        else assert.ok(maxRelativeError(wasm, cpu) <= STOCK_BILINEAR_TOL, `relative difference ${maxRelativeError(wasm, cpu)}`);
        assert.ok(maxRelativeError(wasm, Array.from(pixels)) > 0.05, 'the augmentation changed the images');
      });
    }
  });
});
