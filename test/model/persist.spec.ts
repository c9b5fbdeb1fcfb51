import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { loadModel, modelOutputDirProblem, saveModel } from '../../lib/model/persist';
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

  it('explains a model tfjs cannot build on one line, with the file and every detail', async () => {
    const target = path.join(dir, 'm');
    await saveModel(tinyCnn(), target);
    const jsonPath = path.join(target, 'model.json');
    const json = fs.readFileSync(jsonPath, 'utf8');
    fs.writeFileSync(jsonPath, json.replace(/"class_name":"Conv2D"/g, '"class_name":"FancyConv"'));
    const unknown = await loadModel(target).then(() => assert.fail('should not load'), (e: Error) => e);
    assert.match(unknown.message, new RegExp(`^${jsonPath}: cannot build the model: Unknown layer: FancyConv\\. .*registerClass`));
    assert.ok(!unknown.message.includes('\n'), unknown.message);
    fs.writeFileSync(jsonPath, '{"modelTopology": {"a": 1}, "weightsManifest": []}');
    const garbage = await loadModel(target).then(() => assert.fail('should not load'), (e: Error) => e);
    assert.match(garbage.message, /model\.json: cannot build the model: .*Improper config format.*'className' and 'config' must set/);
    assert.ok(!garbage.message.includes('\n'), garbage.message);
  });

  it('refuses to replace a model.json that digit-lab did not write, unless told to', async () => {
    const target = path.join(dir, 'foreign');
    fs.mkdirSync(target);
    const foreign = '{"modelTopology": {}, "weightsManifest": [], "userDefinedMetadata": {"author": "someone"}}';
    fs.writeFileSync(path.join(target, 'model.json'), foreign);
    const m = tinyCnn();
    await assert.rejects(saveModel(m, target), /cannot save the model to .*foreign: its model\.json was not written by digit-lab/);
    assert.equal(fs.readFileSync(path.join(target, 'model.json'), 'utf8'), foreign);
    await saveModel(m, target, { modelName: 'ours' }, { overwriteForeignModel: true });
    assert.equal((await loadModel(target)).metadata.modelName, 'ours');
    await saveModel(m, target, { modelName: 'ours again' });
    assert.equal((await loadModel(target)).metadata.modelName, 'ours again', 'our own model is replaced as before');
    m.dispose();
  });
});

describe('persist: checking an output directory before the work', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'digit-lab-outdir-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('accepts a new, empty or own-model directory and creates nothing', () => {
    assert.equal(modelOutputDirProblem(path.join(dir, 'a', 'b', 'c')), undefined);
    fs.mkdirSync(path.join(dir, 'empty'));
    assert.equal(modelOutputDirProblem(path.join(dir, 'empty')), undefined);
    fs.mkdirSync(path.join(dir, 'ours'));
    fs.writeFileSync(path.join(dir, 'ours', 'model.json'), JSON.stringify({ userDefinedMetadata: { digitLab: { modelName: 'tiny' } } }));
    fs.writeFileSync(path.join(dir, 'ours', 'weights.bin'), '');
    assert.equal(modelOutputDirProblem(path.join(dir, 'ours')), undefined);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['empty', 'ours']);
  });

  it('finds a file in the way, however deep the new directory', () => {
    const file = path.join(dir, 'file');
    fs.writeFileSync(file, 'x');
    assert.equal(modelOutputDirProblem(file), 'it is a file, not a directory');
    assert.equal(modelOutputDirProblem(path.join(file, 'sub')), `cannot create it: ${file} is a file, not a directory`);
    assert.equal(modelOutputDirProblem(path.join(file, 'sub', 'deeper')), `cannot create it: ${file} is a file, not a directory`);
  });

  it('finds a directory it cannot write in', function () {
    if (process.getuid?.() === 0) {
      // Permission bits do not stop root; a read-only place is the same check.
      if (!fs.existsSync('/proc/1')) this.skip();
      assert.match(modelOutputDirProblem('/proc/1/digit-lab-model') ?? '', /^cannot create it: \/proc\/1 is not writable \(E\w+\)$/);
      return;
    }
    const locked = path.join(dir, 'locked');
    fs.mkdirSync(locked, 0o500);
    assert.match(modelOutputDirProblem(path.join(locked, 'm')) ?? '', /^cannot create it: .*locked is not writable \(EACCES\)$/);
  });

  it("tells someone else's model from ours, and other files from a model", () => {
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify({ modelTopology: {}, weightsManifest: [] }));
    assert.match(modelOutputDirProblem(dir) ?? '', /^its model\.json was not written by digit-lab/);
    assert.equal(modelOutputDirProblem(dir, { overwriteForeignModel: true }), undefined);
    fs.writeFileSync(path.join(dir, 'model.json'), 'not json');
    assert.match(modelOutputDirProblem(dir) ?? '', /not written by digit-lab/);
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'keep me');
    assert.match(modelOutputDirProblem(dir, { overwriteForeignModel: true }) ?? '', /^the directory holds other files/);
  });
});
