/** `digit-lab bench`: backend list parsing, the JSON contract, and the PyTorch runner's plumbing. */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { runTorchBench, torchAvailable } from '../../lib/bench/torch';
import { benchBackends } from '../../lib/cli/bench';
import { buildProgram } from '../../lib/cli/main';

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

  it('prints one JSON line for wasm with the throughput fields @slow', async () => {
    const out = await captureStdout(() =>
      buildProgram().parseAsync(['node', 'digit-lab', 'bench', '--json', '--backend', 'wasm', '--reps', '1', '--steps', '1', '--no-torch']));
    const lines = out.trim().split('\n').map((l) => JSON.parse(l));
    assert.strictEqual(lines.length, 1, out);
    const [r] = lines;
    assert.strictEqual(r.backend, 'wasm');
    assert.strictEqual(r.model, 'seed-cnn');
    assert.strictEqual(r.trainBatch, 128);
    assert.strictEqual(r.inferBatch, 512);
    assert.ok(r.trainExamplesPerSec > 0 && r.inferExamplesPerSec > 0, out);
    assert.ok(r.threads >= 1 && r.reps === 1 && r.steps === 1 && r.versions.tfjs, out);
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
