import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { loadModel, saveModel } from '../../lib/model/persist';
import { seedCnn, strongCnn, tinyCnn } from '../../lib/model/architectures';
import { describeEachBackend } from '../helpers/backends';

describeEachBackend('persist: save and load models', function () {
  this.timeout(30000);
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'digit-lab-persist-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const probe = () => tf.randomUniform([3, 28, 28, 1], 0, 1, 'float32', 7) as tf.Tensor4D;

  for (const [name, make] of [['seed', () => seedCnn({ seed: 1 })], ['best', () => strongCnn({ seed: 1 })]] as const) {
    it(`a loaded ${name} model predicts bitwise as the saved one, with metadata and training config`, async () => {
      const model = make();
      const x = probe();
      const before = await (model.predict(x) as tf.Tensor).data();
      await saveModel(model, path.join(dir, 'm'), { modelName: name, testAccuracy: 0.5 });
      assert.deepEqual(fs.readdirSync(dir), ['m'], 'no temporary directories left behind');
      assert.deepEqual(fs.readdirSync(path.join(dir, 'm')).sort(), ['model.json', 'weights.bin']);
      const { model: loaded, metadata } = await loadModel(path.join(dir, 'm'));
      const after = await (loaded.predict(x) as tf.Tensor).data();
      assert.deepEqual(Buffer.from(after.buffer), Buffer.from(before.buffer));
      assert.equal(metadata.modelName, name);
      assert.equal(metadata.testAccuracy, 0.5);
      assert.ok(!Number.isNaN(Date.parse(String(metadata.savedAt))));
      assert.ok(loaded.optimizer, 'the loaded model is compiled from the saved training config');
      assert.equal(loaded.countParams(), model.countParams());
      model.dispose();
      loaded.dispose();
      x.dispose();
    });
  }

  it('replaces an earlier model, and a failed save keeps the previous one', async () => {
    const target = path.join(dir, 'm');
    const a = tinyCnn({ seed: 1 });
    const b = tinyCnn({ seed: 2 });
    await saveModel(a, target, { modelName: 'a' });
    await saveModel(b, target, { modelName: 'b' });
    assert.equal((await loadModel(target)).metadata.modelName, 'b');
    // A metadata value that cannot be serialised makes the save fail half-way.
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await assert.rejects(saveModel(a, target, { modelName: 'c', cyclic }), /could not save the model to .*m/);
    assert.equal((await loadModel(target)).metadata.modelName, 'b');
    assert.deepEqual(fs.readdirSync(dir), ['m']);
    a.dispose();
    b.dispose();
  });

  it('never replaces a directory that holds anything but a model', async () => {
    const m = tinyCnn();
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'keep me');
    await assert.rejects(saveModel(m, dir), /the directory holds other files \(notes\.txt\)/);
    assert.equal(fs.readFileSync(path.join(dir, 'notes.txt'), 'utf8'), 'keep me');
    await assert.rejects(saveModel(m, path.join(dir, 'notes.txt')), /it is a file, not a directory/);
    fs.mkdirSync(path.join(dir, 'empty'));
    await saveModel(m, path.join(dir, 'empty'));
    assert.ok(fs.existsSync(path.join(dir, 'empty', 'model.json')));
    m.dispose();
  });

  it('says what is wrong with a bad model directory', async () => {
    await assert.rejects(loadModel(path.join(dir, 'nope')), /model directory not found: .*nope/);
    await assert.rejects(loadModel(dir), /not a model directory: .*model\.json is missing/);
    fs.writeFileSync(path.join(dir, 'model.json'), '{oops');
    await assert.rejects(loadModel(dir), /model\.json: not valid JSON/);
    fs.writeFileSync(path.join(dir, 'model.json'), '{"a": 1}');
    await assert.rejects(loadModel(dir), /not a TensorFlow\.js layers model/);
    await saveModel(tinyCnn(), path.join(dir, 'm'));
    fs.writeFileSync(path.join(dir, 'm', 'weights.bin'), Buffer.alloc(10));
    await assert.rejects(loadModel(path.join(dir, 'm')), /weights\.bin: 10 bytes, model\.json expects 54440/);
    fs.rmSync(path.join(dir, 'm', 'weights.bin'));
    await assert.rejects(loadModel(path.join(dir, 'm')), /weights file .*weights\.bin is missing/);
  });
});
