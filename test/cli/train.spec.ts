import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadModel } from '../../lib/model/persist';
import { runCli, ROOT } from '../model/run-train-cli';

const MNIST_DIR = path.resolve(ROOT, '..', 'shared', 'mnist');

describe('digit-lab train @slow', function () {
  this.timeout(180000);
  let dir: string;
  before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'digit-lab-train-cli-')); });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('trains on the embedded digits, holds out a test set, saves the model and prints JSON', async () => {
    const out = path.join(dir, 'tiny');
    const r = await runCli(['train', '--model', 'tiny', '--data', 'embedded', '--limit', '256', '--epochs', '1',
      '--batch', '32', '--test-limit', '300', '--backend', 'cpu', '--out', out, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 1, 'stdout holds only the JSON line');
    const summary = JSON.parse(lines[0]);
    assert.equal(summary.model, 'tiny');
    assert.equal(summary.backend, 'cpu');
    assert.equal(summary.testExamples, 300);
    assert.equal(summary.testSplit, 'held-out');
    assert.equal(summary.trainExamples, 512, 'the reference augmentation doubles the 256 examples');
    assert.ok(summary.testAccuracy >= 0 && summary.testAccuracy <= 1);
    assert.ok(summary.trainSeconds > 0);
    assert.equal(summary.history.length, 1);
    assert.equal(summary.dataSource.kind, 'embedded');
    assert.match(r.stderr, /last 2000 training examples are held out/);
    const { metadata } = await loadModel(out);
    assert.equal(metadata.modelName, 'tiny');
    assert.equal(metadata.testAccuracy, summary.testAccuracy);
  });

  it('evaluates on the official test split of a full MNIST directory', async function () {
    if (!fs.existsSync(MNIST_DIR)) {
      console.log(`      skipped: full MNIST not found at ${MNIST_DIR}`);
      this.skip();
    }
    const r = await runCli(['train', '--model', 'tiny', '--data', MNIST_DIR, '--limit', '128', '--epochs', '1', '--augment', 'none',
      '--batch', '32', '--test-limit', '200', '--backend', 'cpu', '--out', path.join(dir, 'full'), '--json', '--no-progress']);
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout.trim());
    assert.equal(summary.testSplit, 'official');
    assert.equal(summary.trainExamples, 128);
    assert.equal(summary.dataSource.kind, 'directory');
    assert.doesNotMatch(r.stderr, /epoch 1\/1/, '--no-progress prints no epoch lines');
  });

  it('rejects bad flags with one clear line', async () => {
    const bad = async (args: string[], message: RegExp) => {
      const r = await runCli(['train', '--out', path.join(dir, 'never'), ...args]);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, message);
      assert.ok(!fs.existsSync(path.join(dir, 'never')));
    };
    await bad(['--epochs', 'two'], /--epochs: expected an integer >= 1, got "two"/);
    await bad(['--augment', '{"rotationRange": -3}'], /--augment: .*rotationRange/);
    await bad(['--augment', 'sideways'], /--augment: expected none, reference, strong or a JSON object/);
    await bad(['--model', 'huge'], /argument 'huge' is invalid/);
    await bad(['--backend', 'gpu'], /--backend: unknown backend "gpu": expected one of auto, tensorflow, wasm, cpu/);
    fs.writeFileSync(path.join(dir, 'file.txt'), 'x');
    await bad(['--out', dir], /cannot save the model to .*: the directory holds other files/);
    await bad(['--data', path.join(dir, 'no-such-dir'), '--model', 'tiny', '--backend', 'cpu'], /no-such-dir/);
  });
});
