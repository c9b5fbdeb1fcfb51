/** initBackend: the choice, its reason, the env override, idempotence, and the threaded build. */
import * as assert from 'assert';
import { spawn } from 'child_process';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { detectTfjsNode, initBackend } from '../../lib/engine';

const ROOT = path.resolve(__dirname, '..', '..');

async function withEnv<T>(name: string, value: string | undefined, fn: () => Promise<T>): Promise<T> {
  const old = process.env[name];
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
  try {
    return await fn();
  } finally {
    if (old === undefined) delete process.env[name];
    else process.env[name] = old;
  }
}

/** Runs a TypeScript fixture in a child Node (through tsx); kills it if it outlives `ms`. */
function runFixture(file: string, ms: number): Promise<{ code: number | null; out: string; err: string; timedOut: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, ms);
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err, timedOut });
    });
  });
}

describe('engine: initBackend', function () {
  this.timeout(60_000);

  after(async () => {
    await tf.setBackend('cpu');
  });

  it('starts wasm with our training kernels and says so', async () => {
    const lines: string[] = [];
    const info = await initBackend('wasm', { log: (l) => lines.push(l) });
    assert.strictEqual(info.name, 'wasm');
    assert.strictEqual(tf.getBackend(), 'wasm');
    for (const k of ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'MaxPoolGrad']) assert.ok(info.kernels?.includes(k), `missing ${k}`);
    assert.ok((info.threads ?? 0) >= 1);
    assert.strictEqual(lines.length, 1);
    assert.match(lines[0], /backend "wasm"/);
    assert.match(lines[0], /Conv2DBackpropFilter/);
  });

  it('is idempotent: a second call keeps the same backend and its tensors', async () => {
    const first = await initBackend('wasm', { quiet: true });
    const t = tf.tensor1d([1, 2, 3]);
    const second = await initBackend('wasm', { quiet: true });
    assert.deepStrictEqual(second, first);
    assert.deepStrictEqual(Array.from(t.dataSync()), [1, 2, 3]);
    t.dispose();
  });

  it('switches to cpu on request, with a warning about speed', async () => {
    const lines: string[] = [];
    const info = await initBackend('cpu', { log: (l) => lines.push(l) });
    assert.strictEqual(info.name, 'cpu');
    assert.strictEqual(tf.getBackend(), 'cpu');
    assert.match(info.reason, /slow/);
    assert.ok(lines.some((l) => /warning/.test(l)), lines.join('\n'));
  });

  it('follows DIGIT_LAB_BACKEND for auto, but not over an explicit choice', async () => {
    await withEnv('DIGIT_LAB_BACKEND', 'cpu', async () => {
      assert.strictEqual((await initBackend(undefined, { quiet: true })).name, 'cpu');
      assert.strictEqual((await initBackend('wasm', { quiet: true })).name, 'wasm');
    });
    await withEnv('DIGIT_LAB_BACKEND', 'gpu', async () => {
      await assert.rejects(initBackend('auto', { quiet: true }), /DIGIT_LAB_BACKEND=gpu/);
    });
    await assert.rejects(initBackend('metal' as never, { quiet: true }), /unknown backend "metal"/);
  });

  it('tells the tfjs-node alias from the real package, and auto skips it with the reason', async function () {
    const found = detectTfjsNode();
    if (found.available) {
      console.log(`      (skipped: a real @tensorflow/tfjs-node is installed here: ${found.reason})`);
      this.skip();
    }
    assert.match(found.reason, /alias|not installed/);
    await assert.rejects(initBackend('tensorflow', { quiet: true }), /alias|not installed/);
    await withEnv('DIGIT_LAB_BACKEND', undefined, async () => {
      const info = await initBackend('auto', { quiet: true });
      assert.strictEqual(info.name, 'wasm');
      assert.match(info.reason, /skipped tensorflow/);
    });
  });

  it('runs the threaded build with 2 threads in a child process that then exits by itself', async () => {
    const run = await runFixture(path.join(__dirname, 'fixtures', 'threaded-exit.ts'), 50_000);
    assert.ok(!run.timedOut, `the process did not exit on its own (threads kept it alive)\n${run.err}`);
    assert.strictEqual(run.code, 0, run.err);
    const line = JSON.parse(run.out.trim().split('\n').pop() ?? '{}');
    assert.strictEqual(line.backend, 'wasm');
    assert.strictEqual(line.threads, 2);
    assert.deepStrictEqual(line.gradShape, [3, 3, 3, 4]);
    assert.strictEqual(line.finite, true);
    assert.strictEqual(line.pooledSum, line.pooledExpected);
  });
});
