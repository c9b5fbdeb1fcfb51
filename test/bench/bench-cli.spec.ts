/** `digit-lab bench`: flag parsing, the JSON contract, and the reference runners' plumbing. */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { Command } from 'commander';
import { runKerasRecipe, runKerasSeedCnn } from '../../lib/bench/keras';
import { findFullMnist, mnistGzFiles } from '../../lib/bench/recipe';
import { runTorchBench, torchAvailable } from '../../lib/bench/torch';
import { BENCH_OPTIONS, benchBackends, benchPlan, kerasReady, type BenchFlags } from '../../lib/cli/bench';
import { addOptions } from '../../lib/cli/flags';
import { buildProgram } from '../../lib/cli/main';

/** The flags commander hands the bench action for `argv` (parsed with the command's own options). */
function parseFlags(argv: string[]): BenchFlags {
  let flags: BenchFlags | undefined;
  const command = addOptions(new Command('bench').exitOverride(), BENCH_OPTIONS).action((f: BenchFlags) => { flags = f; });
  command.parse(argv, { from: 'user' });
  if (!flags) throw new Error('the action did not run');
  return flags;
}

async function captureStdout(fn: () => Promise<unknown>): Promise<string> {
  const write = process.stdout.write.bind(process.stdout);
  let out = '';
  (process.stdout as { write: unknown }).write = (chunk: string | Uint8Array) => {
    out += chunk.toString();
    return true;
  };
  try {
    await fn();
  } finally {
    (process.stdout as { write: unknown }).write = write;
  }
  return out;
}

describe('engine: digit-lab bench', function () {
  this.timeout(120_000);
  let dir: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'digit-lab-bench-'));
  });
  after(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    await tf.setBackend('cpu');
  });

  it('parses --backend lists and rejects unknown names', () => {
    assert.deepStrictEqual(benchBackends(['wasm,cpu']), ['wasm', 'cpu']);
    assert.deepStrictEqual(benchBackends(['all']), ['tensorflow', 'wasm', 'cpu']);
    assert.deepStrictEqual(benchBackends(['wasm', 'wasm']), ['wasm']);
    assert.ok(!benchBackends(undefined).includes('cpu'), 'cpu must not be measured by default');
    assert.throws(() => benchBackends(['gpu']), /unknown backend "gpu"/);
  });

  it('defaults to tensorflow when present and wasm; for --recipe to tensorflow, else wasm', () => {
    assert.deepStrictEqual(benchBackends(undefined, { nativePresent: true }), ['tensorflow', 'wasm']);
    assert.deepStrictEqual(benchBackends(undefined, { nativePresent: false }), ['wasm']);
    assert.deepStrictEqual(benchBackends(undefined, { recipe: true, nativePresent: true }), ['tensorflow']);
    assert.deepStrictEqual(benchBackends(undefined, { recipe: true, nativePresent: false }), ['wasm']);
    assert.deepStrictEqual(benchBackends(['wasm', 'tensorflow'], { recipe: true, nativePresent: false }), ['wasm', 'tensorflow']);
  });

  it('turns the flags into a plan: sizes, threads, which references, the recipe\'s options', () => {
    const plain = benchPlan(parseFlags([]), { cpus: 4, nativePresent: true });
    assert.deepStrictEqual(plain, {
      mode: 'seed-cnn', backends: ['tensorflow', 'wasm'], reps: 3, rounds: 5, steps: 50, threads: 4, threadsAsked: false,
      keras: 'auto', torch: 'auto', python: undefined, data: undefined, epochs: 5, seeds: [1, 2, 3],
    });
    const asked = benchPlan(parseFlags(['--backend', 'wasm', '--threads', '2', '--steps', '3', '--rounds', '1', '--python', '/v/bin/python', '--keras', '--no-torch']), { cpus: 4 });
    assert.deepStrictEqual([asked.backends, asked.threads, asked.threadsAsked, asked.steps, asked.rounds, asked.python, asked.keras, asked.torch],
      [['wasm'], 2, true, 3, 1, '/v/bin/python', 'require', 'skip']);
    assert.strictEqual(benchPlan(parseFlags(['--no-keras']), { nativePresent: false }).keras, 'skip');
    const recipe = benchPlan(parseFlags(['--recipe', '--data', '/d', '--epochs', '2', '--seeds', '4, 0,7']), { cpus: 2, nativePresent: false });
    assert.deepStrictEqual([recipe.mode, recipe.backends, recipe.data, recipe.epochs, recipe.torch, recipe.seeds], ['recipe', ['wasm'], '/d', 2, 'skip', [4, 0, 7]]);
    assert.strictEqual(benchPlan(parseFlags(['--kernels'])).backends.length, 0);
  });

  it('rejects flags that do not fit together, naming the flag', () => {
    const plan = (argv: string[]) => () => benchPlan(parseFlags(argv), { nativePresent: false });
    assert.throws(plan(['--recipe', '--kernels']), /--recipe and --kernels are separate benchmarks/);
    assert.throws(plan(['--recipe', '--torch']), /--torch: there is no PyTorch recipe reference/);
    assert.throws(plan(['--data', '/d']), /--data: only --recipe reads data/);
    assert.throws(plan(['--seeds', '1']), /--seeds: only --recipe trains/);
    assert.throws(plan(['--recipe', '--seeds', '1,x']), /--seeds: expected an integer >= 0, got "x"/);
    assert.throws(plan(['--recipe', '--seeds', '1,2,1']), /--seeds: seed 1 is given twice/);
    assert.throws(plan(['--recipe', '--rounds', '2']), /--rounds: only the throughput bench runs in rounds, not --recipe/);
    assert.throws(plan(['--rounds', '0']), /--rounds: expected an integer >= 1, got "0"/);
    assert.throws(plan(['--steps', '0']), /--steps: expected an integer >= 1, got "0"/);
    assert.throws(plan(['--recipe', '--epochs', 'x']), /--epochs: expected an integer >= 1/);
  });

  it('says why Keras will not run: --no-keras, no script, no Python; --keras makes that an error', () => {
    const script = path.join(dir, 'keras_seed_cnn.py');
    fs.writeFileSync(script, '');
    assert.deepStrictEqual(kerasReady('skip', undefined, script), { outcome: { reference: 'keras', ok: false, reason: '--no-keras', failed: false } });
    const noScript = kerasReady('auto', undefined, path.join(dir, 'nope.py'));
    assert.ok('outcome' in noScript && !noScript.outcome.ok && /nope\.py not found/.test(noScript.outcome.reason));
    const noPython = kerasReady('auto', path.join(dir, 'no-python'), script);
    assert.ok('outcome' in noPython && !noPython.outcome.ok && /no-python \(--python\): not found/.test(noPython.outcome.reason), JSON.stringify(noPython));
    assert.throws(() => kerasReady('require', path.join(dir, 'no-python'), script), /^CliError: --keras: cannot run the keras reference: .*not found/);
  });

  it('passes threads, steps and reps to keras_seed_cnn.py, and data, threads and epochs to keras_seed_recipe.py', async () => {
    const echo = path.join(dir, 'echo.js');
    fs.writeFileSync(echo, 'console.log("noise"); console.log(JSON.stringify({ engine: "fake", args: process.argv.slice(2) }));');
    const seed = await runKerasSeedCnn({ python: process.execPath, script: echo, threads: 3, steps: 7, reps: 2 });
    assert.deepStrictEqual((seed as unknown as { args: string[] }).args, ['--threads', '3', '--steps', '7', '--reps', '2']);
    const beats: number[] = [];
    const slow = path.join(dir, 'slow.js');
    fs.writeFileSync(slow, 'setTimeout(() => console.log(JSON.stringify({ engine: "fake", args: process.argv.slice(2) })), 250);');
    const recipe = await runKerasRecipe({ python: process.execPath, script: slow, dataDir: '/data', threads: 2, epochs: 1, seed: 3, onHeartbeat: (s) => beats.push(s), heartbeatMs: 50 });
    assert.deepStrictEqual((recipe as unknown as { args: string[] }).args, ['--data', '/data', '--threads', '2', '--epochs', '1', '--seed', '3']);
    assert.strictEqual(recipe.seed, 3);
    assert.ok(beats.length >= 2, `heartbeats: ${beats}`);
  });

  it('finds full MNIST for the recipe, or names each place and what it lacks', () => {
    const full = path.join(dir, 'full');
    const half = path.join(dir, 'half');
    fs.mkdirSync(full);
    fs.mkdirSync(half);
    for (const name of mnistGzFiles()) fs.writeFileSync(path.join(full, name), '');
    fs.writeFileSync(path.join(half, mnistGzFiles()[0]), '');
    assert.strictEqual(findFullMnist(full), full);
    assert.strictEqual(findFullMnist(undefined, { sharedDir: full, dataDir: path.join(dir, 'cache') }), full);
    assert.throws(() => findFullMnist(half), /no full MNIST for the recipe: .*half lacks train-labels-idx1-ubyte\.gz, t10k-images/);
    assert.throws(() => findFullMnist(undefined, { sharedDir: half, dataDir: path.join(dir, 'cache') }),
      /half lacks .*; .*cache\/mnist has none of the four MNIST \.gz files; pass --data <dir>/);
  });

  it('prints a JSON line per reference (here: why not run) and one for wasm with the throughput fields, over rounds @slow', async () => {
    const tensorsBefore = tf.memory().numTensors;
    const out = await captureStdout(() =>
      buildProgram().parseAsync(['node', 'digit-lab', 'bench', '--json', '--backend', 'wasm', '--reps', '1', '--rounds', '2', '--steps', '1', '--no-torch', '--no-keras']));
    const lines = out.trim().split('\n').map((l) => JSON.parse(l));
    assert.strictEqual(lines.length, 3, out);
    assert.deepStrictEqual(lines.slice(0, 2).map((l) => [l.reference, l.ok, l.reason]), [['keras', false, '--no-keras'], ['pytorch', false, '--no-torch']]);
    const r = lines[2];
    assert.deepStrictEqual(r.references, { keras: { absent: '--no-keras' }, pytorch: { absent: '--no-torch' } });
    assert.strictEqual(r.backend, 'wasm');
    assert.strictEqual(r.model, 'seed-cnn');
    assert.strictEqual(r.trainBatch, 128);
    assert.strictEqual(r.inferBatch, 512);
    assert.ok(r.trainExamplesPerSec > 0 && r.inferExamplesPerSec > 0, out);
    assert.ok(r.threads >= 1 && r.reps === 1 && r.steps === 1 && r.versions.tfjs, out);
    assert.strictEqual(r.rounds.length, 2, out);
    const mid = (k: 'trainExamplesPerSec' | 'inferExamplesPerSec') => (r.rounds[0][k] + r.rounds[1][k]) / 2;
    assert.ok(r.rounds.every((x: Record<string, number>) => x.trainExamplesPerSec > 0 && x.inferExamplesPerSec > 0), out);
    assert.deepStrictEqual([r.trainExamplesPerSec, r.inferExamplesPerSec], [mid('trainExamplesPerSec'), mid('inferExamplesPerSec')]);
    // Each round's model, optimizer (Adam's moments) and data are freed.
    assert.strictEqual(tf.memory().numTensors, tensorsBefore);
  });

  it('times each wasm training kernel against the stock one (--kernels) @slow', async () => {
    const out = await captureStdout(() =>
      buildProgram().parseAsync(['node', 'digit-lab', 'bench', '--kernels', '--json', '--reps', '1', '--threads', '2']));
    const lines = out.trim().split('\n').map((l) => JSON.parse(l));
    const names = new Set(lines.map((l) => l.kernel));
    for (const k of ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'MaxPoolGrad', 'Sum', 'BatchMatMul', 'Tile']) assert.ok(names.has(k), `${k} missing: ${out}`);
    for (const l of lines) {
      assert.ok(l.oursMs > 0, out);
      // Only the filter gradient has no stock wasm kernel to compare with.
      assert.strictEqual(l.stockMs === null, l.kernel === 'Conv2DBackpropFilter', JSON.stringify(l));
    }
  });

  it('reads the reference script\'s JSON line, and reports a failing script by name', async () => {
    const good = path.join(dir, 'good.js');
    fs.writeFileSync(good, 'console.log("warming up"); console.log(JSON.stringify({engine: "fake", threads: Number(process.argv[3]), trainExamplesPerSec: 100}));');
    const r = await runTorchBench({ python: process.execPath, script: good, threads: 2, steps: 1, reps: 1 });
    assert.strictEqual(r.engine, 'fake');
    assert.strictEqual(r.threads, 2);
    const bad = path.join(dir, 'bad.js');
    fs.writeFileSync(bad, 'console.error("ModuleNotFoundError: torch"); process.exit(3);');
    await assert.rejects(runTorchBench({ python: process.execPath, script: bad, threads: 2, steps: 1, reps: 1 }),
      /bad\.js failed \(exit status 3\): ModuleNotFoundError: torch/);
    assert.match(torchAvailable(process.execPath, path.join(dir, 'missing.py')).reason, /missing\.py not found/);
  });
});
