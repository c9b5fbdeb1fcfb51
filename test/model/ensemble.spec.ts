import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { tinyCnn } from '../../lib/model/architectures';
import { averagedEnsemble, ensembleMemberName, ensembleMemberSeed } from '../../lib/model/ensemble';
import { loadModel, saveModel } from '../../lib/model/persist';

describe('averaged ensembles', () => {
  before(async () => { await tf.setBackend('cpu'); });
  const members = (count: number) => Array.from({ length: count }, (_, i) =>
    tinyCnn({ seed: ensembleMemberSeed(7, i + 1), name: ensembleMemberName(i + 1) }));
  const images = () => tf.randomUniform([5, 28, 28, 1], 0, 1, 'float32', 3);

  it('predicts the mean of its members\' probabilities', () => {
    const [a, b, c] = members(3);
    const x = images();
    const want = tf.tidy(() => tf.div(tf.addN([a, b, c].map((m) => m.predict(x) as tf.Tensor)), 3));
    const ensemble = averagedEnsemble([a, b, c]);
    const got = ensemble.predict(x) as tf.Tensor;
    assert.deepEqual(got.shape, [5, 10]);
    assert.ok(tf.max(tf.abs(tf.sub(got, want))).dataSync()[0] < 1e-6);
    // Distinct seeds give distinct members, so the mean differs from any one of them.
    assert.ok(tf.max(tf.abs(tf.sub(got, a.predict(x) as tf.Tensor))).dataSync()[0] > 1e-3);
    ensemble.dispose();
  });

  it('saves and loads as one model that predicts the same', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'digit-lab-ensemble-'));
    try {
      const ensemble = averagedEnsemble(members(2), 'tiny_ensemble');
      const x = images();
      const before = ensemble.predict(x) as tf.Tensor;
      await saveModel(ensemble, dir, { modelName: 'tiny' });
      const { model } = await loadModel(dir);
      assert.deepEqual(model.layers.map((l) => l.name), ['tiny_ensemble_input', 'member_1', 'member_2', 'tiny_ensemble_mean']);
      assert.ok(tf.max(tf.abs(tf.sub(model.predict(x) as tf.Tensor, before))).dataSync()[0] < 1e-6);
      ensemble.dispose();
      model.dispose();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('owns its members: disposing it frees their weights', () => {
    const parts = members(2);
    const weights = parts.reduce((sum, m) => sum + m.weights.length, 0);
    const result = averagedEnsemble(parts).dispose();
    assert.equal(result.numDisposedVariables, weights);
    assert.throws(() => parts[0].dispose(), /already disposed/);
  });

  it('refuses fewer than two members and members with the same name', () => {
    assert.throws(() => averagedEnsemble(members(1)), /at least 2 members, got 1/);
    const twins = [tinyCnn({ seed: 1 }), tinyCnn({ seed: 2 })];
    assert.throws(() => averagedEnsemble(twins), /distinct names, got tiny_cnn, tiny_cnn/);
    twins.forEach((m) => m.dispose());
  });

  it('numbers the members\' seeds from the ensemble\'s', () => {
    assert.deepEqual([1, 2, 3].map((i) => ensembleMemberSeed(5, i)), [5, 6, 7]);
  });
});
