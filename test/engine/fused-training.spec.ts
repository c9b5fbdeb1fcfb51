/**
 * Convolutions and dense layers with a bias and a relu fused while training
 * (lib/engine/fused-training.ts), on every backend present: the gradients equal those of the
 * unfused product, add and relu; what the fused path does not cover still trains through
 * tfjs-core's own op; a training step runs the fused kernels and skips the first layer's input
 * gradient.
 */
import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { layersFusedInTraining, trainStepsAsFunctions } from '../../lib/engine';
import { describeEachBackend } from '../helpers/backends';
import { relativeError } from './helpers';

/** Largest relative difference allowed (float32 sums in another order inside one backend's kernels). */
const TOL = 1e-5;

interface Case {
  pad: 'same' | 'valid';
  strides: 1 | 2;
  activation: 'relu' | 'linear' | 'elu';
  bias: boolean;
}

const CASES: readonly Case[] = [
  { pad: 'valid', strides: 1, activation: 'relu', bias: true },
  { pad: 'same', strides: 2, activation: 'relu', bias: true },
  { pad: 'same', strides: 1, activation: 'elu', bias: true },
  { pad: 'valid', strides: 2, activation: 'relu', bias: false },
  { pad: 'valid', strides: 1, activation: 'linear', bias: true },
];

function unfused(x: tf.Tensor4D, filter: tf.Tensor4D, bias: tf.Tensor1D | undefined, c: Case): tf.Tensor4D {
  let y = tf.conv2d(x, filter, c.strides, c.pad);
  if (bias) y = tf.add(y, bias);
  if (c.activation === 'relu') return tf.relu(y);
  if (c.activation === 'elu') return tf.elu(y);
  return y;
}

/** A weighted sum, so each output position sends back its own gradient. */
function weightedSum(y: tf.Tensor): tf.Scalar {
  return tf.sum(tf.mul(y, tf.range(1, 1 + y.size).div(y.size).reshape(y.shape)));
}

function values(ts: tf.Tensor[]): Float32Array[] {
  return ts.map((t) => Float32Array.from(t.dataSync() as Float32Array));
}

describeEachBackend('engine: convolutions and dense layers fused while training', function (backend) {
  this.timeout(120_000);

  it('is in effect after initBackend', () => {
    assert.equal(layersFusedInTraining(), true);
  });

  for (const c of CASES) {
    it(`gradients equal the unfused convolution's: ${c.activation}, ${c.pad}, stride ${c.strides}${c.bias ? '' : ', no bias'}`, () => {
      const x = tf.randomUniform([3, 9, 9, 4], -1, 1, 'float32', 11) as tf.Tensor4D;
      const filter = tf.randomUniform([3, 3, 4, 6], -1, 1, 'float32', 12) as tf.Tensor4D;
      const bias = c.bias ? tf.randomUniform([6], -1, 1, 'float32', 13) as tf.Tensor1D : undefined;
      const inputs = bias ? [x, filter, bias] : [x, filter];
      const fusedGrads = tf.grads((...args: tf.Tensor[]) => weightedSum(tf.fused.conv2d({
        x: args[0] as tf.Tensor4D, filter: args[1] as tf.Tensor4D, bias: args[2], strides: c.strides, pad: c.pad, activation: c.activation,
      })));
      const plainGrads = tf.grads((...args: tf.Tensor[]) => weightedSum(unfused(args[0] as tf.Tensor4D, args[1] as tf.Tensor4D, args[2] as tf.Tensor1D | undefined, c)));
      const got = values(fusedGrads(inputs));
      const want = values(plainGrads(inputs));
      assert.equal(got.length, inputs.length);
      got.forEach((g, i) => {
        const err = relativeError(g, want[i]);
        assert.ok(err <= TOL, `gradient ${i} differs by ${err}`);
      });
      if (c.activation === 'relu') {
        // The inputs reach both sides of zero, so a gradient that ignored the relu would differ.
        const linear = values(tf.grads((...args: tf.Tensor[]) => weightedSum(unfused(args[0] as tf.Tensor4D, args[1] as tf.Tensor4D, args[2] as tf.Tensor1D | undefined, { ...c, activation: 'linear' })))(inputs));
        assert.ok(relativeError(got[1], linear[1]) > 1e-2, 'the relu made no difference to the filter gradient');
      }
      tf.dispose([x, filter, ...(bias ? [bias] : [])]);
    });
  }

  const PRODUCTS: ReadonlyArray<{ activation: 'relu' | 'linear'; bias: boolean; transposeB: boolean }> = [
    { activation: 'relu', bias: true, transposeB: false },
    { activation: 'relu', bias: false, transposeB: false },
    { activation: 'relu', bias: true, transposeB: true },
    { activation: 'linear', bias: true, transposeB: false },
  ];
  for (const p of PRODUCTS) {
    it(`dense products' gradients equal the unfused ones: ${p.activation}${p.bias ? '' : ', no bias'}${p.transposeB ? ', b transposed' : ''}`, () => {
      const a = tf.randomUniform([6, 5], -1, 1, 'float32', 31) as tf.Tensor2D;
      const b = tf.randomUniform(p.transposeB ? [4, 5] : [5, 4], -1, 1, 'float32', 32) as tf.Tensor2D;
      const bias = p.bias ? tf.randomUniform([4], -1, 1, 'float32', 33) as tf.Tensor1D : undefined;
      const inputs = bias ? [a, b, bias] : [a, b];
      const got = values(tf.grads((...args: tf.Tensor[]) => weightedSum(tf.fused.matMul({
        a: args[0] as tf.Tensor2D, b: args[1] as tf.Tensor2D, bias: args[2], transposeB: p.transposeB, activation: p.activation,
      })))(inputs));
      const want = values(tf.grads((...args: tf.Tensor[]) => {
        let y = tf.matMul(args[0], args[1], false, p.transposeB);
        if (args[2]) y = tf.add(y, args[2]);
        return weightedSum(p.activation === 'relu' ? tf.relu(y) : y);
      })(inputs));
      assert.equal(got.length, inputs.length);
      got.forEach((g, i) => {
        const err = relativeError(g, want[i]);
        assert.ok(err <= TOL, `gradient ${i} differs by ${err}`);
      });
      tf.dispose(inputs);
    });
  }

  it('an op-by-op training step runs the fused kernels, no separate add or relu, and no gradient for the model\'s input', async () => {
    // On tensorflow such a model trains as one TensorFlow function (test/engine/train-step.spec.ts);
    // models with layers it does not cover still take this path.
    trainStepsAsFunctions(false);
    const model = tf.sequential({ layers: [
      tf.layers.conv2d({ inputShape: [10, 10, 1], filters: 4, kernelSize: 3, activation: 'relu' }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 3, activation: 'relu' }),
      tf.layers.dense({ units: 2, activation: 'softmax' }),
    ] });
    model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
    const x = tf.randomUniform([5, 10, 10, 1], 0, 1, 'float32', 3);
    const y = tf.oneHot(tf.tensor1d([0, 1, 0, 1, 1], 'int32'), 2).toFloat();
    try {
      const info = await tf.profile(async () => { await model.trainOnBatch(x, y); });
      const convOutput = (k: { outputShapes: number[][] }) => k.outputShapes[0]?.join('x') === '5x8x8x4';
      const names = info.kernels.map((k) => k.name);
      assert.ok(info.kernels.some((k) => k.name === 'FusedConv2D' && convOutput(k)), `kernels run: ${names.join(', ')}`);
      assert.ok(!info.kernels.some((k) => (k.name === 'Relu' || k.name === 'Add' || k.name === 'Conv2D') && convOutput(k)), `unfused kernels ran: ${names.join(', ')}`);
      const denseOutput = (k: { outputShapes: number[][] }) => k.outputShapes[0]?.join('x').endsWith('5x3');
      // On tensorflow dense layers run as our one-op kernel instead (lib/engine/kernels/tensorflow/training-kernels.ts).
      const dense = backend === 'tensorflow' ? 'DigitLabDense' : '_FusedMatMul';
      assert.ok(info.kernels.some((k) => k.name === dense && denseOutput(k)), `kernels run: ${names.join(', ')}`);
      assert.ok(!names.includes('Relu'), `a separate relu ran: ${names.join(', ')}`);
      assert.ok(!names.includes('Conv2DBackpropInput'), 'the input gradient of the first layer was computed');
      assert.ok(names.includes('Conv2DBackpropFilter'));
    } finally {
      trainStepsAsFunctions(true);
      model.dispose();
      tf.dispose([x, y]);
    }
  });

  it('leaves no tensors behind', () => {
    const x = tf.randomUniform([2, 6, 6, 2], -1, 1, 'float32', 21) as tf.Tensor4D;
    const filter = tf.randomUniform([2, 2, 2, 3], -1, 1, 'float32', 22) as tf.Tensor4D;
    const bias = tf.randomUniform([3], -1, 1, 'float32', 23) as tf.Tensor1D;
    const before = tf.memory().numTensors;
    const grads = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => weightedSum(tf.fused.conv2d({ x: a as tf.Tensor4D, filter: b as tf.Tensor4D, bias: c, strides: 1, pad: 'valid', activation: 'relu' })))([x, filter, bias]);
    assert.equal(tf.memory().numTensors, before + 3);
    tf.dispose([...grads, x, filter, bias]);
  });
});
