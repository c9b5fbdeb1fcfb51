/**
 * The faster tfjs-node kernels (lib/engine/kernels/tensorflow/training-kernels.ts) against the
 * cpu backend: max-pool gradients (ties included), the relu gradient and its Step mask, fused
 * convolutions, bias adds and bias-gradient sums, with the cases each one hands back to
 * tfjs-node's own kernel. Skipped, with the reason printed, where no native tfjs-node is present.
 */
import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/engine';
import { fusedConvolutionInUse, heldPoolWorkspaces, oneDnnKernelsInUse, REPLACED_TENSORFLOW_KERNELS } from '../../lib/engine/kernels/tensorflow/training-kernels';
import { findNativeSource } from '../../lib/engine/native/load';
import { skipIf } from '../helpers/skip';
import { currentBackend, restoreBackend } from '../helpers/tf-backend';
import { expectSameAsCpu, valuesOn } from './helpers';

type Pool = [shape: [number, number, number, number], filter: number | [number, number], stride: number | [number, number], pad: 'valid' | 'same'];
const POOLS: readonly Pool[] = [
  [[4, 26, 26, 8], 2, 2, 'valid'], [[4, 25, 25, 8], 2, 2, 'same'], [[4, 12, 12, 8], 3, 1, 'same'], [[2, 9, 7, 3], [3, 2], [2, 1], 'same'],
];
/** Inputs with many ties (constant, rounded) are where max-pool gradient routing differs if wrong. */
const KINDS = ['random', 'relu', 'const', 'ints'] as const;

function input(shape: readonly number[], kind: (typeof KINDS)[number], seed: number): tf.Tensor4D {
  return tf.tidy(() => {
    const r = tf.randomUniform(shape as [number, number, number, number], -1, 1, 'float32', seed);
    if (kind === 'relu') return tf.relu(r);
    if (kind === 'const') return tf.fill(shape as [number, number, number, number], 0.5);
    if (kind === 'ints') return tf.round(tf.mul(r, 2));
    return r;
  }) as tf.Tensor4D;
}

/** A weighted sum, so every output position sends back a different gradient. */
function weightedSum(y: tf.Tensor): tf.Scalar {
  return tf.sum(tf.mul(y, tf.range(1, 1 + y.size).reshape(y.shape)));
}

describe('engine: faster tfjs-node kernels on tensorflow', function () {
  this.timeout(120_000);
  let previous: string | undefined;
  before(async function () {
    const found = findNativeSource();
    skipIf(this, found.source ? null : `no tensorflow backend: ${found.reason}`);
    previous = await currentBackend();
    await initBackend('tensorflow', { quiet: true });
  });
  after(async () => restoreBackend(previous));

  it('are registered in place of tfjs-node\'s and use oneDNN here', async () => {
    assert.deepEqual([...REPLACED_TENSORFLOW_KERNELS].sort(), ['Add', 'DigitLabDense', 'DigitLabReluGrad', 'FusedConv2D', 'MaxPool', 'MaxPoolGrad', 'Step', 'Sum']);
    await initBackend('tensorflow', { quiet: true });
    tf.tidy(() => tf.grad((x: tf.Tensor) => weightedSum(tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid')))(input([1, 4, 4, 1], 'random', 1)));
    assert.equal(oneDnnKernelsInUse(), true, 'this TensorFlow has oneDNN, so the oneDNN max-pool gradient must have run');
  });

  for (const [shape, filter, stride, pad] of POOLS) {
    it(`max-pool gradient ${shape.join('x')} filter ${filter} stride ${stride} ${pad}: routed exactly as on cpu, ties included`, async () => {
      await expectSameAsCpu('tensorflow', 'maxPool grad', () => KINDS.map((kind, i) => tf.grad((x: tf.Tensor) => weightedSum(tf.maxPool(x as tf.Tensor4D, filter, stride, pad)))(input(shape, kind, 10 + i))), 0);
    });
  }

  it('max pools run under a gradient tape keep their workspace for the gradient, which frees it', () => {
    const x = input([2, 8, 8, 3], 'ints', 30);
    const before = tf.memory().numTensors;
    const pooled = (t: tf.Tensor) => weightedSum(tf.maxPool(t as tf.Tensor4D, 2, 2, 'valid'));
    const grad = tf.grad(pooled)(x);
    assert.equal(heldPoolWorkspaces(), 0, 'the gradient did not use the workspace');
    // A pool whose gradient is never asked for: its workspace stays until its output is gone.
    const other = input([2, 8, 8, 3], 'random', 31);
    const g2 = tf.grad((t: tf.Tensor) => tf.sum(t).add(weightedSum(tf.maxPool(other, 2, 2, 'valid')).mul(0)))(x);
    assert.equal(heldPoolWorkspaces(), 1);
    tf.dispose(tf.grad(pooled)(x));
    assert.equal(heldPoolWorkspaces(), 0, 'the stale workspace was not swept');
    tf.dispose([grad, g2, other]);
    assert.equal(tf.memory().numTensors, before);
    x.dispose();
  });

  it('the max-pool gradient without a kept workspace (pool run outside the tape) equals cpu\'s, ties included', async () => {
    await expectSameAsCpu('tensorflow', 'maxPool grad, no workspace', () => KINDS.map((kind, i) => {
      const x = input([3, 10, 10, 4], kind, 40 + i);
      const output = tf.maxPool(x, 2, 2, 'valid');
      const dy = tf.range(1, 1 + output.size).reshape(output.shape);
      return tf.engine().runKernel(tf.MaxPoolGrad, { dy, input: x, output }, { filterSize: 2, strides: 2, pad: 'valid' }) as tf.Tensor;
    }), 0);
  });

  it('relu gradient (ReluGrad) and Step agree with cpu, NaN and signed zeros included', async () => {
    await expectSameAsCpu('tensorflow', 'relu grad', () => KINDS.map((kind, i) => tf.grad((x: tf.Tensor) => weightedSum(tf.relu(x)))(input([3, 7, 5, 4], kind, 20 + i))), 0);
    // No denormals: TensorFlow's CPU threads flush them to zero, so 1e-40 counts as 0 there.
    const special = [NaN, -Infinity, -1, -0, 0, 1e-30, 2, Infinity];
    const steps = () => [tf.step(tf.tensor1d(special)), tf.step(tf.tensor1d(special), 0.2)];
    const want = await valuesOn('cpu', steps);
    const got = await valuesOn('tensorflow', steps);
    // NaN must stay NaN, so compare as Object.is does (NaN equals NaN there).
    got.forEach((g, i) => assert.deepEqual(Array.from(g).map(String), Array.from(want[i]).map(String), `step output ${i}`));
  });

  it('fused convolutions (relu, linear, elu; same and valid; strides 1 and 2; with and without bias) agree with cpu', async () => {
    await expectSameAsCpu('tensorflow', 'fused conv2d', () => {
      const x = tf.randomUniform([8, 13, 13, 5], -1, 1, 'float32', 99) as tf.Tensor4D;
      const filter = tf.randomUniform([3, 3, 5, 7], -1, 1, 'float32', 98) as tf.Tensor4D;
      const bias = tf.randomUniform([7], -1, 1, 'float32', 97) as tf.Tensor1D;
      const out: tf.Tensor[] = [];
      for (const activation of ['relu', 'linear', 'elu'] as const) {
        for (const pad of ['same', 'valid'] as const) {
          for (const strides of [1, 2]) out.push(tf.fused.conv2d({ x, filter, bias, strides, pad, activation }));
        }
      }
      out.push(tf.fused.conv2d({ x, filter, strides: 1, pad: 'same', activation: 'relu' }));
      return out;
    }, 1e-5);
    // A `digit-lab native` build adds list attributes to the binding, so the fully fused op runs.
    if (findNativeSource().source?.kind === 'native-build') assert.equal(fusedConvolutionInUse(), true);
  });

  it('dense layers run as one kernel (relu or none, with or without a bias), and agree with cpu with their gradients', async () => {
    const a = () => tf.randomUniform([33, 20], -1, 1, 'float32', 61) as tf.Tensor2D;
    const b = () => tf.randomUniform([20, 9], -1, 1, 'float32', 62) as tf.Tensor2D;
    const bias = () => tf.randomUniform([9], -1, 1, 'float32', 63) as tf.Tensor1D;
    const cases = [{ activation: 'relu' as const, bias: true }, { activation: 'linear' as const, bias: true }, { activation: 'relu' as const, bias: false }, { activation: 'linear' as const, bias: false }];
    await expectSameAsCpu('tensorflow', 'dense', () => cases.flatMap((c) => {
      const inputs = c.bias ? [a(), b(), bias()] : [a(), b()];
      const f = (...xs: tf.Tensor[]) => weightedSum(tf.fused.matMul({ a: xs[0] as tf.Tensor2D, b: xs[1] as tf.Tensor2D, bias: xs[2], activation: c.activation }));
      return [tf.fused.matMul({ a: inputs[0] as tf.Tensor2D, b: inputs[1] as tf.Tensor2D, bias: inputs[2], activation: c.activation }), ...tf.grads(f)(inputs)];
    }), 1e-5);
    await initBackend('tensorflow', { quiet: true });
    const profile = await tf.profile(() => tf.fused.matMul({ a: a(), b: b(), bias: bias(), activation: 'relu' }));
    assert.deepEqual(profile.kernels.map((k) => k.name).filter((n) => !n.startsWith('Random')), ['DigitLabDense']);
    // What it does not cover goes to tfjs-core's op: transposes, other activations, batches of matrices.
    const others = await tf.profile(() => [
      tf.fused.matMul({ a: a(), b: tf.transpose(b()), transposeB: true, bias: bias(), activation: 'relu' }),
      tf.fused.matMul({ a: a(), b: b(), bias: bias(), activation: 'elu' }),
    ]);
    assert.ok(!others.kernels.some((k) => k.name === 'DigitLabDense'), others.kernelNames.join(', '));
  });

  it('bias adds and bias-gradient sums agree with cpu; other adds and sums are left to tfjs-node', async () => {
    await expectSameAsCpu('tensorflow', 'bias add / sum', () => {
      const a = tf.randomUniform([6, 5, 4, 3], -1, 1, 'float32', 5);
      const b = tf.randomUniform([3], -1, 1, 'float32', 6);
      const c = tf.randomUniform([4, 3], -1, 1, 'float32', 7);
      return [
        tf.add(a, b), tf.add(b, a), tf.add(a, c), tf.add(tf.randomUniform([5, 3], -1, 1, 'float32', 8), b),
        tf.sum(a, [0, 1, 2]), tf.sum(a, [0, 1]), tf.sum(a, [0, 1, 2], true), tf.sum(a), tf.sum(a, 3),
        tf.sum(tf.randomUniform([7, 3], -1, 1, 'float32', 9), 0),
      ];
    }, 1e-5);
  });
});
