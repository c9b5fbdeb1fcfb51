/**
 * Our wasm training kernels against the cpu backend: forward values and gradients on the seed
 * CNN's shapes and on random shapes, strides and paddings. The native tensorflow backend is
 * compared to cpu on the same cases, except those about our wasm kernels' internals.
 */
import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { setPatchChunkFloats } from '../../lib/engine/kernels/conv2d-backprop-filter';
import { describeEachBackend } from '../helpers/backends';
import { expectSameAsCpu, randomArray, relativeError, rng, valuesOn } from './helpers';

type Pad = 'valid' | 'same';

/** Values and gradients (w.r.t. input and filter) of a conv layer, as tensors. */
function convCase(xShape: number[], fShape: number[], stride: number, pad: Pad, seed: number): () => tf.Tensor[] {
  const rand = rng(seed);
  const xv = randomArray(tf.util.sizeFromShape(xShape), rand);
  const fv = randomArray(tf.util.sizeFromShape(fShape), rand);
  const outShape = tf.backend_util.computeConv2DInfo(xShape as [number, number, number, number],
    fShape as [number, number, number, number], stride, 1, pad).outShape;
  const rv = randomArray(tf.util.sizeFromShape(outShape), rand);
  return () => {
    const x = tf.tensor4d(xv, xShape as [number, number, number, number]);
    const f = tf.tensor4d(fv, fShape as [number, number, number, number]);
    const r = tf.tensor(rv, outShape);
    const loss = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad), r));
    const [dx, df] = tf.grads(loss)([x, f]);
    return [tf.conv2d(x, f, stride, pad), dx, df];
  };
}

function poolCase(xShape: number[], size: number, stride: number, pad: Pad, seed: number, levels?: number): () => tf.Tensor[] {
  const rand = rng(seed);
  const xv = randomArray(tf.util.sizeFromShape(xShape), rand, levels);
  const outShape = tf.backend_util.computePool2DInfo(xShape as [number, number, number, number], size, stride, 1, pad).outShape;
  const rv = randomArray(tf.util.sizeFromShape(outShape), rand);
  return () => {
    const x = tf.tensor4d(xv, xShape as [number, number, number, number]);
    const r = tf.tensor(rv, outShape);
    const dx = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, size, stride, pad), r)))(x);
    return [tf.maxPool(x, size, stride, pad), dx];
  };
}

describe('engine: kernel comparisons', () => {
  it('relativeError notices a real difference (the comparison can fail)', () => {
    assert.ok(relativeError(Float32Array.from([1, 2]), Float32Array.from([1, 2.001])) > 1e-4);
    assert.strictEqual(relativeError(Float32Array.from([1, 2]), Float32Array.from([1, 2])), 0);
  });
});

describeEachBackend('engine: training kernels vs cpu', function (backend) {
  this.timeout(120_000);
  /** Runs `fn` on cpu and on this suite's backend; throws past `tol` (relative). */
  const expectSameOnCpuAnd = (label: string, fn: () => tf.Tensor[], tol?: number) => expectSameAsCpu(backend, label, fn, tol);
  /** The same for the seed CNN's (slow on cpu) shapes: the cpu result is computed once for all backends. */
  const expectSameOnCachedCpuAnd = (label: string, fn: () => tf.Tensor[]) => expectSameAsCpu(backend, label, fn, undefined, `kernels.spec ${label}`);

  describe('Conv2DBackpropFilter / Conv2DBackpropInput (via conv2d gradients)', () => {
    it('match cpu on the seed CNN shapes (batch 4)', async () => {
      await expectSameOnCachedCpuAnd('conv1', convCase([4, 28, 28, 1], [3, 3, 1, 64], 1, 'valid', 1));
      await expectSameOnCachedCpuAnd('conv2', convCase([4, 13, 13, 64], [2, 2, 64, 128], 1, 'valid', 2));
    });

    for (const stride of [1, 2]) {
      for (const pad of ['valid', 'same'] as Pad[]) {
        it(`match cpu on random shapes, stride ${stride}, pad ${pad}`, async () => {
          const rand = rng(100 * stride + (pad === 'same' ? 7 : 0));
          for (let trial = 0; trial < 4; trial++) {
            const k = 1 + Math.floor(rand() * 4);
            const h = k + Math.floor(rand() * 8);
            const w = k + Math.floor(rand() * 8);
            const shapeX = [1 + Math.floor(rand() * 3), h, w, 1 + Math.floor(rand() * 5)];
            const shapeF = [k, 1 + Math.floor(rand() * 3), shapeX[3], 1 + Math.floor(rand() * 6)];
            if (shapeF[1] > w) shapeF[1] = w;
            await expectSameOnCpuAnd(`x ${shapeX} f ${shapeF} s${stride} ${pad}`,
              convCase(shapeX, shapeF, stride, pad, 1000 + trial));
          }
        });
      }
    }

    // Both about our wasm kernel: its patch blocking, and explicit padding (which tfjs-node's
    // Conv2DBackpropFilter rejects: "TF Backend supports only 'valid' and 'same' padding").
    if (backend === 'wasm') {
      it('give the same filter gradient when the patches are processed in many small blocks', async () => {
        const old = setPatchChunkFloats(1000);
        try {
          await expectSameOnCpuAnd('chunked conv2', convCase([5, 13, 13, 8], [2, 2, 8, 16], 1, 'valid', 21));
          await expectSameOnCpuAnd('chunked same s2', convCase([5, 9, 7, 6], [3, 3, 6, 4], 2, 'same', 22));
        } finally {
          setPatchChunkFloats(old);
        }
      });

      it('give the filter gradient the cpu gives when called as a kernel with explicit padding', async () => {
        const rand = rng(9);
        const xv = randomArray(2 * 7 * 6 * 3, rand);
        const dyv = randomArray(2 * 4 * 3 * 5, rand);
        const run = () => {
          const x = tf.tensor4d(xv, [2, 7, 6, 3]);
          const dy = tf.tensor4d(dyv, [2, 4, 3, 5]);
          const attrs = { strides: [2, 2], pad: [[0, 0], [1, 2], [0, 1], [0, 0]], dataFormat: 'NHWC', filterShape: [3, 3, 3, 5] };
          return [tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor];
        };
        await expectSameOnCpuAnd('explicit pad', run);
      });
    }
  });

  describe('Conv2D / FusedConv2D forward with strided same padding', () => {
    it('match cpu where the stock wasm kernel returned zeros (1x3 and 3x1 filters, stride 2)', async () => {
      const rand = rng(31);
      for (const [h, w, kh, kw] of [[8, 7, 1, 3], [5, 8, 3, 1], [8, 8, 1, 2]]) {
        const xv = randomArray(h * w * 2, rand);
        const fv = randomArray(kh * kw * 2 * 3, rand);
        const bias = randomArray(3, rand);
        await expectSameOnCpuAnd(`${h}x${w} filter ${kh}x${kw}`, () => {
          const x = tf.tensor4d(xv, [1, h, w, 2]);
          const f = tf.tensor4d(fv, [kh, kw, 2, 3]);
          return [tf.conv2d(x, f, 2, 'same'), tf.fused.conv2d({ x, filter: f, strides: 2, pad: 'same', bias: tf.tensor1d(bias), activation: 'relu' })];
        });
      }
    });
  });

  describe('MaxPoolGrad', () => {
    it('matches cpu on the seed CNN shapes', async () => {
      await expectSameOnCachedCpuAnd('pool1', poolCase([4, 26, 26, 64], 2, 2, 'valid', 3));
      await expectSameOnCachedCpuAnd('pool2', poolCase([4, 12, 12, 128], 2, 2, 'valid', 4));
    });

    it('routes ties to the same input pixel as cpu', async () => {
      await expectSameOnCpuAnd('ties', poolCase([2, 8, 8, 3], 2, 2, 'valid', 5, 2), 0);
    });

    for (const [size, stride, pad] of [[3, 1, 'same'], [3, 2, 'valid'], [2, 1, 'valid'], [3, 2, 'same'], [2, 2, 'same']] as const) {
      it(`matches cpu for pool ${size}, stride ${stride}, pad ${pad} (overlapping windows, borders)`, async () => {
        await expectSameOnCpuAnd(`pool${size}s${stride}${pad}`, poolCase([2, 7, 9, 4], size, stride, pad, 10 + size + stride));
      });
    }
  });

  describe('BatchMatMul with transposed operands', () => {
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
      it(`matches cpu with transposeA=${ta}, transposeB=${tb} (values and gradients, batched)`, async () => {
        const rand = rng(ta ? (tb ? 4 : 3) : tb ? 2 : 1);
        const [m, k, n] = [5, 7, 3];
        const av = randomArray(2 * m * k, rand);
        const bv = randomArray(2 * k * n, rand);
        await expectSameOnCpuAnd(`matmul ${ta} ${tb}`, () => {
          const a = tf.tensor3d(av, ta ? [2, k, m] : [2, m, k]);
          const b = tf.tensor3d(bv, tb ? [2, n, k] : [2, k, n]);
          const f = (p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.square(tf.matMul(p, q, ta, tb)));
          return [tf.matMul(a, b, ta, tb), ...tf.grads(f)([a, b])];
        });
      });
    }
  });

  describe('Sum', () => {
    const cases: Array<[number[], number | number[], boolean]> = [
      [[3, 4, 5, 6], [0, 1, 2], false],
      [[3, 4, 5, 6], [0, 1, 2], true],
      [[3, 4, 5, 6], [2, 0, 1], false],
      [[3, 4, 5, 6], 0, false],
      [[3, 4, 5, 6], [0, 1, 2, 3], false],
      [[3, 4, 5, 6], [1, 2], false],
      [[3, 4, 5, 6], -1, true],
    ];
    for (const [shape, axis, keepDims] of cases) {
      it(`matches cpu for shape ${shape}, axis ${axis}, keepDims ${keepDims}`, async () => {
        const xv = randomArray(tf.util.sizeFromShape(shape), rng(shape.length));
        await expectSameOnCpuAnd('sum', () => [tf.sum(tf.tensor(xv, shape), axis, keepDims)]);
      });
    }

    it('gives the mean over leading axes (batch-norm statistics) as cpu does', async () => {
      const xv = randomArray(4 * 5 * 6 * 3, rng(77));
      await expectSameOnCpuAnd('mean', () => [tf.mean(tf.tensor(xv, [4, 5, 6, 3]), [0, 1, 2]), tf.mean(tf.tensor(xv, [4, 5, 6, 3]), [1, 2], true)]);
    });

    it('handles empty tensors', async () => {
      await expectSameOnCpuAnd('empty', () => [tf.sum(tf.zeros([0, 3]), 0), tf.sum(tf.zeros([4, 0]), 0)]);
    });

    it('keeps int32 sums exact', async () => {
      const [got] = await valuesOn(backend, () => [tf.sum(tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'), 0)]);
      assert.deepStrictEqual(Array.from(got), [4, 6]);
    });
  });

  describe('Tile', () => {
    for (const [shape, reps] of [[[1, 1, 1, 4], [3, 5, 2, 1]], [[2, 3], [2, 2]], [[3], [4]], [[2, 1, 3], [1, 4, 2]]] as Array<[number[], number[]]>) {
      it(`matches cpu tiling ${shape} by ${reps} (float32 and int32)`, async () => {
        const xv = randomArray(tf.util.sizeFromShape(shape), rng(shape.length + 40));
        const iv = Int32Array.from(xv, (v) => Math.round(v * 100));
        await expectSameOnCpuAnd('tile', () => [tf.tile(tf.tensor(xv, shape), reps), tf.tile(tf.tensor(iv, shape, 'int32'), reps)], 0);
      });
    }

    it('passes gradients through (sum over the copies)', async () => {
      await expectSameOnCpuAnd('tile grad', () => [tf.grad((a: tf.Tensor) => tf.sum(tf.square(tf.tile(a, [2, 3]))))(tf.tensor2d([1, 2, 3, 4], [2, 2]))], 0);
    });
  });
}, { only: ['wasm', 'tensorflow'] });
