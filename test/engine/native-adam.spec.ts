/**
 * Adam through TensorFlow's ResourceApplyAdam on the tensorflow backend (lib/engine/kernels/tensorflow/native-adam.ts)
 * against tfjs's own Adam on cpu: the weights after several steps (a rate change and a weight set
 * from outside included), the moments getWeights returns, resuming from them, a run moved between
 * backends part way, and no tensors left behind. Skipped, with the reason printed, where no native
 * tfjs-node is present.
 */
import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { adamFusedOnTensorflow, fuseAdamOnTensorflow, initBackend } from '../../lib/engine';
import { backendAbsence } from '../helpers/backends';
import { pinBackend, type TestBackend } from '../helpers/tf-backend';
import { randomArray, relativeError, rng } from './helpers';

/** A small two-layer net's starting weights and data, the same on every backend. */
const SHAPES = { w1: [6, 5], b1: [5], w2: [5, 3] } as const;
const START = Object.fromEntries(Object.entries(SHAPES).map(([name, shape], i) => [name, randomArray(shape.reduce((a, b) => a * b, 1), rng(i + 1))]));
const X = randomArray(8 * 6, rng(11));
const Y = randomArray(8 * 3, rng(12));

interface Net {
  vars: tf.Variable[];
  opt: tf.AdamOptimizer;
}

let netCount = 0;

function makeNet(): Net {
  netCount++;
  const vars = tf.tidy(() => Object.entries(SHAPES).map(([name, shape]) => tf.variable(tf.tensor(START[name], [...shape]), true, `adam_spec_${netCount}_${name}`)));
  return { vars, opt: tf.train.adam(0.05) };
}

function step(net: Net): void {
  const [w1, b1, w2] = net.vars;
  const cost = net.opt.minimize(() => tf.tidy(() => {
    const hidden = tf.relu(tf.add(tf.matMul(tf.tensor2d(X, [8, 6]), w1), b1));
    return tf.mean(tf.square(tf.sub(tf.tanh(tf.matMul(hidden, w2)), tf.tensor2d(Y, [8, 3]))));
  }), true);
  cost?.dispose();
}

/** Runs `steps` steps, switching backend before each as `plan` says (the step's index in, a backend out). */
async function train(plan: (i: number) => TestBackend, steps: number, between?: (i: number, net: Net) => void): Promise<{ net: Net; weights: Float32Array[] }> {
  const net = makeNet();
  for (let i = 0; i < steps; i++) {
    if (tf.getBackend() !== plan(i)) await initBackend(plan(i), { quiet: true });
    between?.(i, net);
    step(net);
  }
  return { net, weights: net.vars.map((v) => Float32Array.from(v.dataSync() as Float32Array)) };
}

function dispose(net: Net): void {
  net.opt.dispose();
  tf.dispose(net.vars);
}

function assertClose(actual: Float32Array[], expected: Float32Array[], what: string, tol = 1e-5): void {
  assert.equal(actual.length, expected.length, `${what}: count`);
  actual.forEach((a, i) => assert.ok(relativeError(a, expected[i]) < tol, `${what} ${i}: relative error ${relativeError(a, expected[i])} >= ${tol}`));
}

async function momentValues(opt: tf.Optimizer): Promise<{ names: string[]; values: Float32Array[] }> {
  const weights = await opt.getWeights();
  return { names: weights.map((w) => w.name.replace(/adam_spec_\d+_/, '')), values: weights.map((w) => Float32Array.from(w.tensor.dataSync() as Float32Array)) };
}

/** tfjs's AdamOptimizer keeps its moments here; empty while TensorFlow holds them. */
function stockMoments(opt: tf.AdamOptimizer): unknown[] {
  return (opt as unknown as { accumulatedFirstMoment: unknown[] }).accumulatedFirstMoment;
}

describe('engine: Adam in one TensorFlow op per weight', function () {
  this.timeout(60_000);
  pinBackend('tensorflow', () => backendAbsence('tensorflow'));

  it('is what Adam runs on tensorflow: tfjs holds no moments of its own after the steps', async () => {
    const { net } = await train(() => 'tensorflow', 2);
    try {
      assert.equal(adamFusedOnTensorflow(), true);
      assert.deepEqual(stockMoments(net.opt), []);
      assert.equal(net.opt.iterations, 2);
    } finally {
      dispose(net);
    }
  });

  it('gives tfjs\'s weights over 6 steps, with a rate change and weights set from outside', async () => {
    const between = (i: number, net: Net): void => {
      if (i === 2) (net.opt as unknown as { learningRate: number }).learningRate = 0.01;
      if (i === 4) net.vars[2].assign(tf.mul(net.vars[2], 0.5));
    };
    const cpu = await train(() => 'cpu', 6, between);
    const native = await train(() => 'tensorflow', 6, between);
    try {
      assertClose(native.weights, cpu.weights, 'weight');
      assert.ok(relativeError(native.weights[0], START.w1) > 1e-3, 'the weights moved');
    } finally {
      dispose(cpu.net);
      dispose(native.net);
    }
  });

  it('hands its moments to getWeights as tfjs\'s Adam would have them, and resumes from them', async () => {
    const cpu = await train(() => 'cpu', 3);
    const native = await train(() => 'tensorflow', 3);
    try {
      const [want, got] = [await momentValues(cpu.net.opt), await momentValues(native.net.opt)];
      assert.deepEqual(got.names, want.names);
      // The moments are sums of small squares, so their float32 rounding shows a little more.
      assertClose(got.values, want.values, 'optimizer weight', 1e-4);
      // Training on after getWeights takes the moments back to TensorFlow.
      step(native.net);
      assert.deepEqual(stockMoments(native.net.opt), []);
      // A fresh optimizer given the cpu run's moments continues it.
      const resumed = makeNet();
      try {
        resumed.vars.forEach((v, i) => v.assign(tf.tensor(cpu.weights[i], v.shape)));
        await resumed.opt.setWeights((await cpu.net.opt.getWeights()).map((w) => ({ name: w.name.replace(/adam_spec_\d+_/, `adam_spec_${netCount}_`), tensor: w.tensor })));
        await initBackend('cpu', { quiet: true });
        step(cpu.net);
        await initBackend('tensorflow', { quiet: true });
        step(resumed);
        assertClose(resumed.vars.map((v) => v.dataSync() as Float32Array), cpu.net.vars.map((v) => v.dataSync() as Float32Array), 'resumed weight');
      } finally {
        dispose(resumed);
      }
    } finally {
      dispose(cpu.net);
      dispose(native.net);
    }
  });

  it('moves between backends part way through a run as if it had stayed on one', async () => {
    const cpu = await train(() => 'cpu', 6);
    const mixed = await train((i) => (i < 2 || i === 4 ? 'tensorflow' : 'cpu'), 6);
    try {
      assertClose(mixed.weights, cpu.weights, 'weight');
    } finally {
      dispose(cpu.net);
      dispose(mixed.net);
      await initBackend('tensorflow', { quiet: true });
    }
  });

  it('leaves no tensors behind once the optimizer is disposed', async () => {
    const before = tf.memory().numTensors;
    const { net } = await train(() => 'tensorflow', 3);
    dispose(net);
    assert.equal(tf.memory().numTensors, before);
  });

  it('turned off, leaves Adam to tfjs on tensorflow too (same weights)', async () => {
    fuseAdamOnTensorflow(false);
    try {
      assert.equal(adamFusedOnTensorflow(), false);
      const cpu = await train(() => 'cpu', 3);
      const stock = await train(() => 'tensorflow', 3);
      try {
        assert.equal(stockMoments(stock.net.opt).length, 3);
        assertClose(stock.weights, cpu.weights, 'weight');
      } finally {
        dispose(cpu.net);
        dispose(stock.net);
      }
    } finally {
      fuseAdamOnTensorflow(true);
    }
  });
});
