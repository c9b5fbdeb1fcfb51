import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadModel } from '../../lib/model/persist';
import { runCli, ROOT } from '../model/run-train-cli';

const MNIST_DIR = path.resolve(ROOT, '..', 'shared', 'mnist');

/** One epoch of the tiny model on 128 embedded digits, tested on 200, on cpu: for tests about what is saved and reported. */
const QUICK_TINY = ['train', '--model', 'tiny', '--data', 'embedded', '--limit', '128', '--epochs', '1', '--augment', 'none',
  '--batch', '32', '--test-limit', '200', '--backend', 'cpu'];

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
    // Chance is 10%. Measured with seeds 1-4 (cpu backend): 0.62, 0.72, 0.75, 0.71. A model that did
    // not learn (no weight updates, shuffled labels, a broken loss) stays near 0.1.
    assert.ok(summary.testAccuracy > 0.4, `test accuracy ${summary.testAccuracy}: well above chance after one epoch on 512 examples`);
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

  it('--ensemble 2 trains two members from consecutive seeds and saves their average as one model', async () => {
    const out = path.join(dir, 'ensemble');
    const r = await runCli([...QUICK_TINY, '--out', out, '--seed', '4', '--ensemble', '2', '--no-progress', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout.trim());
    assert.deepEqual(summary.members.map((m: { seed: number }) => m.seed), [4, 5]);
    assert.match(r.stderr, /member 1 of 2 \(seed 4\)[\s\S]*member 2 of 2 \(seed 5\)/);
    assert.ok(summary.trainSeconds >= summary.members[0].trainSeconds + summary.members[1].trainSeconds - 1e-6);
    const { model, metadata } = await loadModel(out);
    assert.deepEqual(model.layers.map((l) => l.name), ['tiny_ensemble_input', 'member_1', 'member_2', 'tiny_ensemble_mean']);
    assert.equal(metadata.testAccuracy, summary.testAccuracy);
    assert.deepEqual((metadata.members as { seed: number }[]).map((m) => m.seed), [4, 5]);
    model.dispose();
  });

  it('--deskew 1 puts a Deskew layer in front of the last member, and says so in the summary and the metadata', async () => {
    const out = path.join(dir, 'deskewed');
    const r = await runCli([...QUICK_TINY, '--out', out, '--ensemble', '2', '--deskew', '1', '--no-progress', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout.trim());
    assert.equal(summary.deskewMembers, 1);
    assert.deepEqual(summary.members.map((m: { deskew: boolean }) => m.deskew), [false, true]);
    const { model, metadata } = await loadModel(out);
    assert.equal(metadata.deskewMembers, 1);
    const member = (name: string) => model.getLayer(name) as unknown as { layers: { getClassName(): string; name: string }[] };
    assert.deepEqual(member('member_2').layers.map((l) => l.getClassName()).slice(0, 3), ['InputLayer', 'Deskew', 'Sequential']);
    assert.ok(!member('member_1').layers.some((l) => l.getClassName() === 'Deskew'), 'member 1 reads the pictures as they are');
    model.dispose();
  });

  it('--tta saves the model wrapped in shift averaging and reports the accuracy without it too', async () => {
    const out = path.join(dir, 'tta');
    const r = await runCli([...QUICK_TINY, '--out', out, '--tta', '--no-progress']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /tiny model: test accuracy \d+\.\d\d% \(\d+\.\d\d% without the shifts\) on 200 held-out examples/);
    const { model, metadata } = await loadModel(out);
    assert.equal(metadata.shiftAveraging, true);
    assert.equal(typeof metadata.unshiftedTestAccuracy, 'number');
    assert.equal(model.layers[model.layers.length - 1].name, 'tiny_cnn_shifts_mean');
    model.dispose();
  });

  it('--model best averages over shifts by default, and --no-tta saves the plain model', async () => {
    const common = ['train', '--model', 'best', '--data', 'embedded', '--limit', '64', '--epochs', '1', '--augment', 'none',
      '--batch', '32', '--test-limit', '50', '--backend', 'wasm', '--no-progress'];
    const withShifts = path.join(dir, 'best-tta');
    const plain = path.join(dir, 'best-plain');
    const a = await runCli([...common, '--out', withShifts]);
    assert.equal(a.code, 0, a.stderr);
    assert.match(a.stdout, /without the shifts/);
    const b = await runCli([...common, '--out', plain, '--no-tta']);
    assert.equal(b.code, 0, b.stderr);
    assert.doesNotMatch(b.stdout, /without the shifts/);
    const shifted = await loadModel(withShifts);
    const unshifted = await loadModel(plain);
    assert.equal(shifted.metadata.shiftAveraging, true);
    assert.equal(unshifted.metadata.shiftAveraging, undefined);
    assert.equal(shifted.model.layers[shifted.model.layers.length - 1].name, 'compact_cnn_shifts_mean');
    assert.equal(unshifted.model.name, 'compact_cnn');
    shifted.model.dispose();
    unshifted.model.dispose();
  });

  /** A quick training run: a few seconds when it is not stopped before it starts. */
  const QUICK = ['--model', 'tiny', '--data', 'embedded', '--limit', '64', '--test-limit', '50', '--epochs', '1', '--batch', '32',
    '--augment', 'none', '--backend', 'cpu', '--no-progress'];

  it('finds an unusable --out or --checkpoint before loading data or training', async () => {
    const file = path.join(dir, 'in-the-way');
    fs.writeFileSync(file, 'x');
    for (const [flag, extra] of [['--out', []], ['--checkpoint', ['--out', path.join(dir, 'unused')]]] as const) {
      const r = await runCli(['train', ...QUICK, ...extra, flag, path.join(file, 'sub')]);
      assert.notEqual(r.code, 0);
      assert.equal(r.stderr, `error: ${flag}: cannot save the model to ${path.join(file, 'sub')}: cannot create it: ${file} is a file, not a directory\n`,
        'one line naming the flag, and nothing loaded or trained before it');
      assert.ok(!fs.existsSync(path.join(dir, 'unused')));
    }
    assert.equal(fs.readFileSync(file, 'utf8'), 'x');
  });

  it("leaves a model.json digit-lab did not write alone, unless --force", async () => {
    const out = path.join(dir, 'someone-elses');
    fs.mkdirSync(out);
    const foreign = JSON.stringify({ modelTopology: { class_name: 'Sequential' }, weightsManifest: [], format: 'layers-model' });
    fs.writeFileSync(path.join(out, 'model.json'), foreign);
    const refused = await runCli(['train', ...QUICK, '--out', out]);
    assert.notEqual(refused.code, 0);
    assert.equal(refused.stderr, `error: --out: cannot save the model to ${out}: its model.json was not written by digit-lab ` +
      '(no "digitLab" metadata), so it is not replaced; choose another directory (or pass --force to replace it)\n');
    assert.equal(fs.readFileSync(path.join(out, 'model.json'), 'utf8'), foreign);
    const forced = await runCli(['train', ...QUICK, '--out', out, '--force']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal((await loadModel(out)).metadata.modelName, 'tiny');
    const again = await runCli(['train', ...QUICK, '--out', out]);
    assert.equal(again.code, 0, `our own model is replaced without --force: ${again.stderr}`);
  });

  it("takes --model seed as the reference model's older name, and saves it as reference", async function () {
    this.timeout(180_000);
    const out = path.join(dir, 'old-name');
    // The reference CNN trains at about 1 example/s on cpu: wasm keeps this run to seconds.
    const quickReference = QUICK.map((a) => (a === 'tiny' ? 'seed' : a === 'cpu' ? 'wasm' : a));
    const r = await runCli(['train', ...quickReference, '--json', '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout.trim().split('\n').pop()!).model, 'reference');
    const saved = JSON.parse(fs.readFileSync(path.join(out, 'model.json'), 'utf8'));
    assert.equal(saved.userDefinedMetadata.digitLab.modelName, 'reference');
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
    await bad(['--augment', '{"foo":3}'], /^error: --augment: augment: unknown option "foo"; the options are rotationRange, .*interpolation, elasticRange\n$/);
    await bad(['--model', 'huge'], /argument 'huge' is invalid/);
    await bad(['--backend', 'gpu'], /--backend: unknown backend "gpu": expected one of auto, tensorflow, wasm, cpu/);
    fs.writeFileSync(path.join(dir, 'file.txt'), 'x');
    await bad(['--out', dir], /--out: cannot save the model to .*: the directory holds other files/);
    await bad(['--data', path.join(dir, 'no-such-dir'), '--model', 'tiny', '--backend', 'cpu'], /no-such-dir/);
  });
});
