/**
 * Batch normalization's short training gradient (lib/engine/batch-norm-training.ts) on every
 * backend present, against what tfjs-layers computes without it (tf.moments, then tf.batchNorm,
 * differentiated by the tape): the outputs, the gradients for the input, scale and offset, and the
 * moving averages; nothing is left allocated. (A layer normalizing another axis keeps tfjs-layers'
 * code, whose gradient fails for it in tfjs 4.22 with or without this module, so it is not tested here.)
 */
import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { batchNormGradientsShortened } from '../../lib/engine';
import { describeEachBackend } from '../helpers/backends';
import { relativeError } from './helpers';

/** Largest relative difference allowed: the same sums in another order. */
const TOL = 1e-4;

/** A weighted sum, so each output position sends back its own gradient. */
function weightedSum(y: tf.Tensor): tf.Scalar {
  return tf.sum(tf.mul(y, tf.range(1, 1 + y.size).div(y.size).reshape(y.shape)));
}

function values(ts: tf.Tensor[]): Float32Array[] {
  return ts.map((t) => Float32Array.from(t.dataSync() as Float32Array));
}

function assertClose(got: Float32Array[], want: Float32Array[], what: string): void {
  assert.equal(got.length, want.length, what);
  got.forEach((g, i) => {
    const err = relativeError(g, want[i]);
    assert.ok(err <= TOL, `${what} ${i} differs by ${err}`);
  });
}

/** A batch-norm layer (in a model, so it can be disposed) with a non-trivial scale and offset. */
function layerFor(shape: number[]): { layer: tf.layers.Layer; model: tf.Sequential } {
  const layer = tf.layers.batchNormalization({ inputShape: shape.slice(1), momentum: 0.9, epsilon: 1e-3 });
  const model = tf.sequential({ layers: [layer] });
  const channels = shape[shape.length - 1];
  const weights = layer.getWeights().map((w, i) => tf.tidy(() => (i < 2 ? tf.randomUniform([channels], 0.5, 1.5, 'float32', 40 + i) : w.clone())));
  layer.setWeights(weights);
  tf.dispose(weights);
  return { layer, model };
}

/** What tfjs-layers computes while training, written out: the batch's moments, then batchNorm. */
function reference(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor | null, axes: number[], epsilon: number): tf.Tensor {
  const { mean, variance } = tf.moments(x, axes);
  return tf.batchNorm(x, mean, variance, beta ?? undefined, gamma, epsilon);
}

describeEachBackend('engine: batch normalization trains with the short gradient', function () {
  this.timeout(120_000);

  it('is in effect after initBackend', () => {
    assert.equal(batchNormGradientsShortened(), true);
  });

  for (const shape of [[6, 5, 4, 3], [16, 7]]) {
    it(`input ${shape.join('x')}: outputs, gradients and moving averages equal tfjs-layers'`, () => {
      const { layer, model } = layerFor(shape);
      const x = tf.randomUniform(shape, -2, 3, 'float32', 7);
      // Copies: getWeights gives the variables themselves, which training updates in place.
      const [gamma, beta, movingMean, movingVariance] = layer.getWeights().map((w) => w.clone());
      const axes = shape.slice(0, -1).map((_, i) => i);
      const trained = (t: tf.Tensor) => layer.apply(t, { training: true }) as tf.Tensor;

      // Layer gradients: input through tf.grads, scale and offset through variableGrads.
      const { value, grads } = tf.variableGrads(() => weightedSum(trained(x)), layer.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val));
      const dx = tf.grad((t: tf.Tensor) => weightedSum(trained(t)))(x);
      const got = values([dx, grads[layer.trainableWeights[0].name], grads[layer.trainableWeights[1].name]]);
      const want = values(tf.grads((t: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => weightedSum(reference(t, g, b, axes, 1e-3)))([x, gamma, beta]));
      assertClose(got, want, 'gradient');
      assertClose(values([trained(x)]), values([reference(x, gamma, beta, axes, 1e-3)]), 'output');

      // Three training calls so far (two under a tape, one not): the moving averages moved three times alike.
      const { mean, variance } = tf.moments(x, axes);
      let m = movingMean;
      let v = movingVariance;
      for (let i = 0; i < 3; i++) {
        m = tf.sub(m, tf.mul(tf.sub(m, mean), 0.1));
        v = tf.sub(v, tf.mul(tf.sub(v, variance), 0.1));
      }
      const [, , gotMean, gotVariance] = layer.getWeights();
      assertClose(values([gotMean, gotVariance]), values([m, v]), 'moving average');
      tf.dispose([value, dx, ...Object.values(grads), x, gamma, beta, movingMean, movingVariance, mean, variance]);
      model.dispose();
    });
  }

  it('leaves no tensors behind', () => {
    const shape = [4, 3, 3, 2];
    const { layer, model } = layerFor(shape);
    const x = tf.randomUniform(shape, -1, 1, 'float32', 11);
    const before = tf.memory().numTensors;
    const dx = tf.grad((t: tf.Tensor) => weightedSum(layer.apply(t, { training: true }) as tf.Tensor))(x);
    assert.equal(tf.memory().numTensors, before + 1);
    tf.dispose([dx, x]);
    model.dispose();
  });
});
