import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import { fitProgressCallback } from '../../lib/notebook/fit-progress';
import type { TrainingProgressEventLike } from '../../lib/notebook/training-display';
import { shuffledBatches } from '../../lib/model/fit-data';
import { tinyCnn } from '../../lib/model/architectures';
import { syntheticDigits } from '../model/synthetic';

describe('notebook/fit-progress: the live display as a fitDataset callback', function () {
  this.timeout(60_000);

  it('turns fitDataset batches and epochs into the display events, with running means and validation', async () => {
    const data = syntheticDigits(100, 4);
    const events: TrainingProgressEventLike[] = [];
    const progress = fitProgressCallback({ trainExamples: 100, batchSize: 32, validationExamples: 20, onEvent: (e) => void events.push(e) });
    const model = tinyCnn({ seed: 2 });
    const val = syntheticDigits(20, 9);
    const xs = tf.tensor4d(Float32Array.from(val.images, (v) => v / 255), [20, 28, 28, 1]);
    const ys = tf.oneHot(tf.tensor1d(val.labels, 'int32'), 10).toFloat();
    const history = await model.fitDataset(shuffledBatches(data, { batchSize: 32, seed: 1 }), { epochs: 2, verbose: 0, validationData: [xs, ys], callbacks: [progress] });
    assert.deepEqual(events.map((e) => e.kind), ['start', 'batch', 'batch', 'batch', 'batch', 'epoch', 'batch', 'batch', 'batch', 'batch', 'epoch', 'end']);
    assert.deepEqual(events[0], { kind: 'start', epochs: 2, batchesPerEpoch: 4, trainExamples: 100, validationExamples: 20 });
    const lastBatch = events[4];
    assert.equal(lastBatch.batch, 4);
    assert.equal(lastBatch.batches, 4);
    assert.ok(Number.isFinite(lastBatch.loss) && Number.isFinite(lastBatch.acc));
    assert.equal(progress.history.length, 2);
    progress.history.forEach((r, i) => {
      // fitDataset's own epoch figures are the same means over the epoch's pictures.
      assert.ok(Math.abs(r.loss - Number(history.history.loss[i])) < 1e-4, `loss ${r.loss} vs ${history.history.loss[i]}`);
      assert.ok(Math.abs((r.valLoss ?? NaN) - Number(history.history.val_loss[i])) < 1e-6);
      assert.equal(r.lr, 3e-3);
      assert.equal(r.epoch, i + 1);
    });
    tf.dispose([xs, ys]);
    model.dispose();
  });

  it('names the option when the sizes make no sense', () => {
    assert.throws(() => fitProgressCallback({ trainExamples: 0, batchSize: 32 }), /trainExamples must be a positive integer, got 0/);
    assert.throws(() => fitProgressCallback({ trainExamples: 10, batchSize: 1.5 }), /batchSize must be a positive integer, got 1.5/);
  });
});
