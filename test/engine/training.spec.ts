/** A few seed-CNN training steps on wasm follow the same loss trajectory as on cpu. */
import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { seedCnn } from '../../lib/model/architectures';
import { randomArray, rng, useWasm } from './helpers';

const BATCH = 4;
const STEPS = 3;

async function lossTrajectory(backend: 'cpu' | 'wasm', xs: Float32Array, labels: number[]): Promise<number[]> {
  if (backend === 'wasm') await useWasm();
  else await tf.setBackend('cpu');
  const model = seedCnn({ seed: 7 });
  const x = tf.tensor4d(xs, [BATCH, 28, 28, 1]);
  const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 10).toFloat();
  const losses: number[] = [];
  try {
    for (let i = 0; i < STEPS; i++) {
      const out = await model.trainOnBatch(x, y);
      losses.push(Array.isArray(out) ? out[0] : out);
    }
    // One more forward pass: the weights after the last update must agree too.
    losses.push((model.evaluate(x, y) as tf.Scalar[])[0].dataSync()[0]);
  } finally {
    model.dispose();
    tf.dispose([x, y]);
  }
  return losses;
}

describe('engine: seed CNN training on wasm matches cpu @slow', function () {
  this.timeout(180_000);

  after(async () => {
    await tf.setBackend('cpu');
  });

  it(`gives the same loss over ${STEPS} Adam steps (batch ${BATCH})`, async () => {
    const rand = rng(2024);
    const xs = randomArray(BATCH * 28 * 28, rand).map((v) => Math.abs(v));
    const labels = Array.from({ length: BATCH }, (_, i) => (i * 3) % 10);
    const cpu = await lossTrajectory('cpu', xs, labels);
    const wasm = await lossTrajectory('wasm', xs, labels);
    for (let i = 0; i < cpu.length; i++) {
      const rel = Math.abs(wasm[i] - cpu[i]) / Math.abs(cpu[i]);
      assert.ok(rel < 1e-3, `step ${i}: wasm loss ${wasm[i]} vs cpu ${cpu[i]} (relative ${rel.toExponential(2)})`);
    }
    // The steps must actually train (otherwise equal trajectories would prove little).
    assert.ok(cpu[cpu.length - 1] < cpu[0], `loss did not fall: ${cpu.join(', ')}`);
  });

  it('leaks no tensors and no wasm memory over training steps', async () => {
    await useWasm();
    const model = seedCnn({ seed: 3 });
    const x = tf.randomUniform([8, 28, 28, 1]);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7], 'int32'), 10).toFloat();
    const backend = tf.backend() as tf.KernelBackend & { numDataIds(): number };
    try {
      for (let i = 0; i < 2; i++) await model.trainOnBatch(x, y);
      const before = { tensors: tf.memory().numTensors, data: backend.numDataIds() };
      for (let i = 0; i < 4; i++) await model.trainOnBatch(x, y);
      assert.deepStrictEqual({ tensors: tf.memory().numTensors, data: backend.numDataIds() }, before);
    } finally {
      model.dispose();
      tf.dispose([x, y]);
    }
  });
});
