import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import { augmentedTrainingSet, freshlyAugmentedBatches, holdOutLast, shuffledBatches } from '../../lib/model/fit-data';
import { learningRateCallback } from '../../lib/model/fit-callbacks';
import { trainModel } from '../../lib/model/train';
import { oneCycleRate, tinyCnn } from '../../lib/model/architectures';
import { REFERENCE_AUGMENTATION, STRONG_AUGMENTATION } from '../../lib/model/augment';
import { syntheticDigits } from './synthetic';

describe('model/fit-data: the recipe through model.fitDataset', function () {
  this.timeout(60_000);
  const data = syntheticDigits(150, 3);

  it('holds out the last fraction, as validationSplit does', () => {
    const { train, validation } = holdOutLast(data, 0.1);
    assert.equal(train.count, 135);
    assert.equal(validation?.count, 15);
    assert.deepEqual([...validation!.labels], [...data.labels.subarray(135)]);
    assert.equal(holdOutLast(data, 0).validation, undefined);
    assert.throws(() => holdOutLast(data, 1), /fraction must be in \[0, 1\), got 1/);
  });

  it('trains to the same weights as trainModel (same augmented copies, same seeded order, two epochs)', async () => {
    const seed = 11;
    const viaLoop = tinyCnn({ seed: 5 });
    await trainModel(viaLoop, data, { epochs: 2, batchSize: 32, validationSplit: 0.1, augment: { options: REFERENCE_AUGMENTATION, copies: 1 }, seed, progress: 'none' });
    const viaFit = tinyCnn({ seed: 5 });
    const { train } = holdOutLast(data, 0.1);
    const doubled = await augmentedTrainingSet(train, { augment: REFERENCE_AUGMENTATION, seed });
    assert.equal(doubled.count, 270);
    await viaFit.fitDataset(shuffledBatches(doubled, { batchSize: 32, seed }), { epochs: 2, verbose: 0 });
    const a = viaLoop.getWeights().map((w) => w.dataSync());
    const b = viaFit.getWeights().map((w) => w.dataSync());
    a.forEach((w, i) => w.forEach((v, j) => assert.ok(Math.abs(v - b[i][j]) < 1e-5, `weight ${i}[${j}]: ${v} vs ${b[i][j]}`)));
    // And a different seed gives a different result, so the comparison can fail.
    const other = tinyCnn({ seed: 5 });
    await other.fitDataset(shuffledBatches(doubled, { batchSize: 32, seed: seed + 1 }), { epochs: 2, verbose: 0 });
    assert.ok(other.getWeights()[0].dataSync().some((v, j) => Math.abs(v - b[0][j]) > 1e-5));
    [viaLoop, viaFit, other].forEach((m) => m.dispose());
  });

  it("with fresh copies and a per-batch schedule, trains to the same weights as trainModel's fresh run (the best recipe's route)", async () => {
    const seed = 4;
    const viaLoop = tinyCnn({ seed: 2 });
    const rates: number[] = [];
    const optimizer = viaLoop.optimizer as unknown as { learningRate: number };
    await trainModel(viaLoop, data, {
      epochs: 2, batchSize: 64, seed, progress: 'none', learningRateSchedule: oneCycleRate, scheduleEveryBatch: true,
      augment: { options: STRONG_AUGMENTATION, copies: 1, fresh: true },
      onProgress: (event) => { if (event.kind === 'batch') rates.push(optimizer.learningRate); },
      batchEventEvery: 1,
    });
    assert.equal(new Set(rates).size, rates.length, `a new rate every batch: ${rates.join(', ')}`);
    const viaFit = tinyCnn({ seed: 2 });
    const batches = freshlyAugmentedBatches(data, { augment: STRONG_AUGMENTATION, batchSize: 64, seed });
    await viaFit.fitDataset(batches, {
      epochs: 2, verbose: 0, callbacks: [learningRateCallback(viaFit, oneCycleRate, 2, { batchesPerEpoch: Math.ceil(300 / 64) })],
    });
    const a = viaLoop.getWeights().map((w) => w.dataSync());
    const b = viaFit.getWeights().map((w) => w.dataSync());
    a.forEach((w, i) => w.forEach((v, j) => assert.ok(Math.abs(v - b[i][j]) < 1e-5, `weight ${i}[${j}]: ${v} vs ${b[i][j]}`)));
    // Copies made once (not fresh) give other weights, so the comparison can fail.
    const once = tinyCnn({ seed: 2 });
    const doubled = await augmentedTrainingSet(data, { augment: STRONG_AUGMENTATION, seed });
    await once.fitDataset(shuffledBatches(doubled, { batchSize: 64, seed }), {
      epochs: 2, verbose: 0, callbacks: [learningRateCallback(once, oneCycleRate, 2, { batchesPerEpoch: Math.ceil(300 / 64) })],
    });
    assert.ok(once.getWeights()[0].dataSync().some((v, j) => Math.abs(v - b[0][j]) > 1e-5));
    [viaLoop, viaFit, once].forEach((m) => m.dispose());
    assert.throws(() => freshlyAugmentedBatches(data, { augment: STRONG_AUGMENTATION, batchSize: 0, seed }), /batchSize must be a positive integer, got 0/);
  });

  it('draws a new seeded order on each pass over the dataset, visiting every picture once', async () => {
    const set = syntheticDigits(10, 1);
    const batches = shuffledBatches(set, { batchSize: 4, seed: 2 });
    const pass = async () => (await batches.toArray()).flatMap((b) => {
      const labels = [...(b.ys.argMax(1).dataSync() as Int32Array)];
      tf.dispose([b.xs, b.ys]);
      return labels;
    });
    const first = await pass();
    const second = await pass();
    assert.deepEqual([...first].sort(), [...set.labels].sort());
    assert.notDeepEqual(first, second);
    const again = shuffledBatches(set, { batchSize: 4, seed: 2 });
    assert.deepEqual((await again.toArray()).flatMap((b) => [...(b.ys.argMax(1).dataSync() as Int32Array)]), first);
  });

  it('sets the learning rate per epoch from a schedule and restores it after training', async () => {
    const model = tinyCnn({ seed: 1 });
    const seen: number[] = [];
    const optimizer = model.optimizer as unknown as { learningRate: number };
    await model.fitDataset(shuffledBatches(data, { batchSize: 64, seed: 1 }), {
      epochs: 3, verbose: 0,
      callbacks: [learningRateCallback(model, (epoch, initial) => initial / (epoch + 1), 3), new tf.CustomCallback({ onEpochEnd: async () => { seen.push(optimizer.learningRate); } })],
    });
    assert.deepEqual(seen.map((v) => +v.toPrecision(6)), [3e-3, 1.5e-3, 1e-3]);
    assert.equal(optimizer.learningRate, 3e-3);
    model.dispose();
  });
});
