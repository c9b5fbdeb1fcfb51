import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import { evaluateModel, metricsFromProbabilities, predictDigits } from '../../lib/model/evaluate';
import { tinyCnn } from '../../lib/model/architectures';
import { syntheticDigits } from './synthetic';
import { describeEachBackend } from '../helpers/backends';

/** A probability row with `p` on class `c` and the rest spread evenly. */
function row(c: number, p: number): number[] {
  return Array.from({ length: 10 }, (_, i) => (i === c ? p : (1 - p) / 9));
}

describe('evaluate: metrics', () => {
  // truth:     0    0    1    1    2    2
  // predicted: 0    1    1    1    2    0
  const labels = [0, 0, 1, 1, 2, 2];
  const probs = [row(0, 0.9), row(1, 0.6), row(1, 0.8), row(1, 0.7), row(2, 0.95), row(0, 0.5)].flat();
  const r = metricsFromProbabilities(labels, probs);

  it('counts accuracy and the confusion matrix', () => {
    assert.equal(r.examples, 6);
    assert.equal(r.accuracy, 4 / 6);
    assert.deepEqual(r.confusion[0].slice(0, 3), [1, 1, 0]);
    assert.deepEqual(r.confusion[1].slice(0, 3), [0, 2, 0]);
    assert.deepEqual(r.confusion[2].slice(0, 3), [1, 0, 1]);
    assert.equal(r.confusion.flat().reduce((a, b) => a + b, 0), 6);
  });

  it('computes per-class precision, recall, F1 and support', () => {
    const [c0, c1, c2, c3] = r.perClass;
    assert.deepEqual([c0.precision, c0.recall, c0.support], [0.5, 0.5, 2]);
    assert.deepEqual([c1.precision, c1.recall, c1.support], [2 / 3, 1, 2]);
    assert.ok(Math.abs(c1.f1 - 0.8) < 1e-12);
    assert.deepEqual([c2.precision, c2.recall, c2.f1], [1, 0.5, 2 / 3]);
    assert.deepEqual([c3.precision, c3.recall, c3.f1, c3.support], [0, 0, 0, 0]);
    assert.ok(Math.abs(r.macroF1 - (0.5 + 0.8 + 2 / 3) / 3) < 1e-12, 'macro F1 averages classes that occur');
  });

  it('computes the mean cross-entropy', () => {
    const expected = -(Math.log(0.9) + Math.log(0.4 / 9) + Math.log(0.8) + Math.log(0.7) + Math.log(0.95) + Math.log(0.5 / 9)) / 6;
    assert.ok(Math.abs(r.loss - expected) < 1e-9, `${r.loss} vs ${expected}`);
  });

  it('lists misclassified examples, most confident first, with top-3', () => {
    assert.equal(r.misclassifiedCount, 2);
    assert.deepEqual(r.misclassified.map((m) => [m.index, m.trueLabel, m.predicted, m.confidence]), [[1, 0, 1, 0.6], [5, 2, 0, 0.5]]);
    assert.equal(r.misclassified[0].top3.length, 3);
    assert.equal(r.misclassified[0].top3[0].label, 1);
    assert.equal(metricsFromProbabilities(labels, probs, 10, 1).misclassified.length, 1);
  });

  it('rejects mismatched inputs', () => {
    assert.throws(() => metricsFromProbabilities([0, 1], row(0, 1)), /expected 20 probabilities for 2 labels/);
    assert.throws(() => metricsFromProbabilities([12], row(0, 1)), /label 12 at index 0/);
  });
});

describeEachBackend('evaluate: models', function () {
  this.timeout(30000);
  it('evaluateModel in batches agrees with one predict call, and predictDigits too', async () => {
    const set = syntheticDigits(50, 4);
    const model = tinyCnn({ seed: 3 });
    const before = tf.memory().numTensors;
    const report = await evaluateModel(model, set, { batchSize: 16 });
    const xs = tf.tensor4d(Float32Array.from(set.images, (v) => v / 255), [50, 28, 28, 1]);
    const probs = model.predict(xs) as tf.Tensor;
    const whole = metricsFromProbabilities(set.labels, await probs.data());
    assert.equal(report.accuracy, whole.accuracy);
    assert.ok(Math.abs(report.loss - whole.loss) < 1e-6);
    assert.deepEqual(report.confusion, whole.confusion);
    const digits = await predictDigits(model, [0, 1, 2].map((i) => Float32Array.from(set.images.subarray(i * 784, (i + 1) * 784), (v) => v / 255)), 2);
    const all = await probs.array() as number[][];
    digits.forEach((d, i) => d.forEach((p, c) => assert.ok(Math.abs(p - all[i][c]) < 1e-6)));
    xs.dispose();
    probs.dispose();
    assert.equal(tf.memory().numTensors, before);
    await assert.rejects(predictDigits(model, [new Float32Array(10)]), /digit 0 has 10 values, expected 784/);
    model.dispose();
  });
});
