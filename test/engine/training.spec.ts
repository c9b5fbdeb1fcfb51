/**
 * Seed-CNN training steps on each backend: the loss falls and repeats exactly, and no tensors or
 * backend memory leak. (That the backends agree with one another is cross-backend.spec.ts.)
 */
import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { seedCnn } from '../../lib/model/architectures';
import { describeEachBackend, skipOnCpu } from '../helpers/backends';
import { lossTrajectory, SEED_CNN_STEPS, seedCnnBatch } from './helpers';

describeEachBackend('engine: seed CNN training steps @slow', function (backend) {
  this.timeout(180_000);

  it(`gives a falling loss over ${SEED_CNN_STEPS} Adam steps that repeats exactly (not on cpu: too slow)`, async function () {
    skipOnCpu(this, backend, 'seed CNN steps take about 5 s each on cpu; its trajectory is checked once, against the other backends, in cross-backend.spec.ts');
    const batch = seedCnnBatch();
    const first = await lossTrajectory(batch);
    const second = await lossTrajectory(batch);
    assert.deepStrictEqual(second, first, `a second run on ${backend} differs`);
    assert.ok(first.every(Number.isFinite), `non-finite loss: ${first.join(', ')}`);
    assert.ok(first[first.length - 1] < first[0], `loss did not fall: ${first.join(', ')}`);
  });

  it('leaks no tensors and no backend memory over training steps (not on cpu: too slow)', async function () {
    skipOnCpu(this, backend, 'seed CNN steps take about 5 s each on cpu; test/model/train.spec.ts checks for leaks on cpu with the tiny CNN');
    const model = seedCnn({ seed: 3 });
    const x = tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 5);
    const y = tf.oneHot(tf.tensor1d([0, 1], 'int32'), 10).toFloat();
    const kernelBackend = tf.backend() as tf.KernelBackend & { numDataIds(): number };
    assert.strictEqual(tf.getBackend(), backend);
    try {
      // The first step creates Adam's slot variables, which legitimately persist.
      await model.trainOnBatch(x, y);
      const before = { tensors: tf.memory().numTensors, data: kernelBackend.numDataIds() };
      for (let i = 0; i < 2; i++) await model.trainOnBatch(x, y);
      assert.deepStrictEqual({ tensors: tf.memory().numTensors, data: kernelBackend.numDataIds() }, before);
    } finally {
      model.dispose();
      tf.dispose([x, y]);
    }
  });
});
