import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { trainModel, TrainingEvent } from '../../lib/model/train';
import { strongCnn, tinyCnn } from '../../lib/model/architectures';
import { loadModel } from '../../lib/model/persist';
import { REFERENCE_AUGMENTATION } from '../../lib/model/augment';
import { syntheticDigits } from './synthetic';
import { describeEachBackend } from '../helpers/backends';

const quiet = { progress: 'none' as const };

async function weightsOf(model: tf.LayersModel): Promise<Float32Array[]> {
  return Promise.all(model.getWeights().map(async (w) => (await w.data()) as Float32Array));
}

describeEachBackend('trainModel', function () {
  this.timeout(60000);
  const data = syntheticDigits(320, 1);
  // For tests about bookkeeping rather than learning.
  const small = syntheticDigits(128, 2);

  it('reduces the loss and records a history with validation', async () => {
    const model = tinyCnn({ seed: 1 });
    const result = await trainModel(model, data, { ...quiet, epochs: 3, batchSize: 32, validationSplit: 0.25, seed: 3 });
    assert.equal(result.history.length, 3);
    assert.equal(result.trainExamples, 240);
    assert.equal(result.validationExamples, 80);
    const [first, , last] = result.history;
    assert.ok(last.loss < first.loss, `loss ${first.loss} -> ${last.loss}`);
    assert.ok(last.valAcc !== undefined && last.valAcc > 0.5, `valAcc ${last.valAcc}`);
    for (const h of result.history) {
      assert.ok(h.seconds > 0 && h.examplesPerSec > 0);
      assert.equal(h.lr, 3e-3);
    }
    model.dispose();
  });

  it('repeats exactly with the same seed, and differs with another', async () => {
    const run = async (seed: number) => {
      const model = tinyCnn({ seed: 5 });
      const r = await trainModel(model, small, { ...quiet, epochs: 1, batchSize: 32, seed });
      const w = await weightsOf(model);
      model.dispose();
      return { loss: r.history[0].loss, w };
    };
    const a = await run(11);
    const b = await run(11);
    const c = await run(12);
    assert.equal(a.loss, b.loss);
    a.w.forEach((w, i) => assert.deepEqual(w, b.w[i]));
    assert.ok(a.w.some((w, i) => w.some((v, j) => v !== c.w[i][j])), 'a different seed should shuffle differently');
  });

  it('repeats exactly with dropout and batch norm (the strong model, made small)', async () => {
    const run = async () => {
      const model = strongCnn({ seed: 5, filters: 2 });
      await trainModel(model, syntheticDigits(64, 3), { ...quiet, epochs: 1, batchSize: 32, seed: 4 });
      const w = await weightsOf(model);
      model.dispose();
      return w;
    };
    const a = await run();
    const b = await run();
    a.forEach((w, i) => assert.deepEqual(w, b[i]));
  });

  it('does not leak tensors', async () => {
    const model = tinyCnn({ seed: 2 });
    // One warm-up epoch creates the optimizer's slot variables, which legitimately persist.
    await trainModel(model, small, { ...quiet, epochs: 1, batchSize: 64, seed: 1 });
    const before = tf.memory().numTensors;
    await trainModel(model, small, {
      ...quiet, epochs: 2, batchSize: 64, seed: 1, validationSplit: 0.2, earlyStopping: { patience: 5 },
      augment: { options: REFERENCE_AUGMENTATION, copies: 1 },
    });
    assert.equal(tf.memory().numTensors, before);
    model.dispose();
  });

  it('applies the learning-rate schedule per epoch', async () => {
    const model = tinyCnn({ seed: 1, learningRate: 0.01 });
    const r = await trainModel(model, small, { ...quiet, epochs: 3, batchSize: 64, seed: 1, learningRateSchedule: (e, lr0) => lr0 / (e + 1) });
    assert.deepEqual(r.history.map((h) => h.lr), [0.01, 0.005, 0.01 / 3]);
    model.dispose();
  });

  it('adds augmented copies of the training set', async () => {
    const model = tinyCnn({ seed: 1 });
    const events: TrainingEvent[] = [];
    const r = await trainModel(model, small, {
      ...quiet, epochs: 1, batchSize: 64, seed: 1, augment: { options: REFERENCE_AUGMENTATION, copies: 2 },
      onProgress: (e) => { events.push(e); },
    });
    assert.equal(r.trainExamples, 384);
    const start = events.find((e) => e.kind === 'start');
    assert.ok(start && start.kind === 'start' && start.batchesPerEpoch === 6);
    assert.ok(events.some((e) => e.kind === 'augment' && e.copy === 2 && e.done === e.total));
    model.dispose();
  });

  it('emits start, batch, epoch and end events in order', async () => {
    const model = tinyCnn({ seed: 1 });
    const kinds: string[] = [];
    await trainModel(model, small, { ...quiet, epochs: 2, batchSize: 32, seed: 1, batchEventEvery: 1, onProgress: (e) => { kinds.push(e.kind); } });
    const batch = Array(4).fill('batch');
    assert.deepEqual(kinds, ['start', ...batch, 'epoch', ...batch, 'epoch', 'end']);
    model.dispose();
  });

  it('stops early, restores the best weights and checkpoints the best epoch', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'digit-lab-ckpt-'));
    try {
      const model = tinyCnn({ seed: 1 });
      // A huge learning rate from epoch 2 on makes the validation loss worse every epoch.
      const r = await trainModel(model, data, {
        ...quiet, epochs: 8, batchSize: 32, seed: 1, validationSplit: 0.25,
        learningRateSchedule: (e) => (e === 0 ? 3e-3 : 5),
        earlyStopping: { patience: 2 }, checkpointDir: path.join(dir, 'best'),
        checkpointMetadata: { modelName: 'tiny' },
      });
      assert.equal(r.stoppedEarly, true);
      assert.equal(r.bestEpoch, 1);
      assert.equal(r.history.length, 3);
      assert.equal(r.restoredBest, true);
      const bestVal = r.history[0].valLoss!;
      assert.ok(r.history[1].valLoss! > bestVal && r.history[2].valLoss! > bestVal);
      const { model: saved, metadata } = await loadModel(path.join(dir, 'best'));
      assert.equal(metadata.epoch, 1);
      assert.equal(metadata.modelName, 'tiny');
      const probe = tf.tensor4d(data.images.slice(0, 784 * 4), [4, 28, 28, 1]).div(255);
      const a = await (model.predict(probe) as tf.Tensor).data();
      const b = await (saved.predict(probe) as tf.Tensor).data();
      assert.deepEqual(a, b, 'restored weights should equal the checkpoint of the best epoch');
      model.dispose();
      saved.dispose();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects bad options with clear errors', async () => {
    const model = tinyCnn({ seed: 1 });
    await assert.rejects(trainModel(model, data, { ...quiet, epochs: 0 }), /epochs must be a positive integer/);
    await assert.rejects(trainModel(model, data, { ...quiet, validationSplit: 1 }), /validationSplit/);
    await assert.rejects(trainModel(model, data, { ...quiet, monitor: 'valAcc' }), /needs validation data/);
    await assert.rejects(trainModel(model, { ...data, count: 3 }, quiet), /training data: .* pixels for 3 images/);
    model.dispose();
  });
});
