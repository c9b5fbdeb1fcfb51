/**
 * initBackend: the choice (tensorflow, then wasm, then cpu), its reason, the env override,
 * idempotence and the threaded build; and how a `digit-lab native` build folder is checked.
 */
import * as assert from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { detectNativeBuild, detectTfjsNode, findNativeSource, initBackend } from '../../lib/engine';
import { writeManifest } from '../../lib/engine/native/manifest';
import { nativePackageDir } from '../../lib/engine/native/paths';
import { backendAbsence } from '../helpers/backends';
import { skipIf } from '../helpers/skip';

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

interface ChildRun { code: number | null; out: string; err: string; timedOut: boolean }

/** Runs a TypeScript fixture in a child Node (through tsx); kills it if it outlives `ms`. */
function runFixture(file: string, ms: number): Promise<ChildRun> {
  return runNode([file], ms);
}

/** Runs Node (with tsx, in the repository root) on `args`, with `env` added; kills it if it outlives `ms`. */
function runNode(args: string[], ms: number, env: Record<string, string | undefined> = {}): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete childEnv[k];
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', ...args], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
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

  it('tells the tfjs-node alias from the real package', function () {
    const found = detectTfjsNode();
    skipIf(this, found.available ? `a real @tensorflow/tfjs-node is installed here: ${found.reason}` : null);
    assert.match(found.reason, /alias|not installed/);
  });

  it('auto picks tensorflow when a native tfjs-node is present, and says which', async function () {
    skipIf(this, backendAbsence('tensorflow'));
    const lines: string[] = [];
    const info = await withEnv('DIGIT_LAB_BACKEND', undefined, () => initBackend('auto', { log: (l) => lines.push(l) }));
    assert.strictEqual(info.name, 'tensorflow');
    assert.strictEqual(tf.getBackend(), 'tensorflow');
    assert.match(info.reason, /^native TensorFlow: /);
    assert.doesNotMatch(info.reason, /skipped/);
    const source = findNativeSource().source;
    if (source?.kind === 'native-build') assert.match(info.reason, /`digit-lab native` build in .*, on TensorFlow \S+ from /);
    assert.strictEqual(lines.length, 1);
    assert.match(lines[0], /backend "tensorflow"/);
    // Explicitly, too; and switching away and back keeps working.
    assert.strictEqual((await initBackend('wasm', { quiet: true })).name, 'wasm');
    assert.strictEqual((await initBackend('tensorflow', { quiet: true })).name, 'tensorflow');
    assert.deepStrictEqual(Array.from(tf.tensor1d([1, 2, 3]).square().dataSync()), [1, 4, 9]);
  });

  it('without a native build: an explicit tensorflow throws the reason, auto falls back to wasm and says why', async function () {
    const npm = detectTfjsNode();
    skipIf(this, npm.available ? `a real @tensorflow/tfjs-node is installed, so tensorflow is never absent here: ${npm.reason}` : null);
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'digit-lab-native-none-'));
    try {
      // In a child: once loaded in this process, the tensorflow backend stays registered.
      const got = await chooseInChild(empty);
      const absent = new RegExp(`resolves to @tensorflow/tfjs \\(an alias.*no \`digit-lab native\` build in ${escape(empty)} \\(run \`digit-lab native\``);
      assert.match(got.explicit, absent);
      assert.strictEqual(got.auto.name, 'wasm');
      assert.match(got.auto.reason, /; skipped tensorflow: /);
      assert.match(got.auto.reason, absent);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  it('with a damaged native build manifest: the error names the file, and auto falls back to wasm', async function () {
    const npm = detectTfjsNode();
    skipIf(this, npm.available ? `a real @tensorflow/tfjs-node is installed and is used before any native build: ${npm.reason}` : null);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'digit-lab-native-bad-'));
    try {
      fs.writeFileSync(path.join(dir, 'native.json'), '{"tensorflow": ');
      const got = await chooseInChild(dir);
      const named = new RegExp(`${escape(path.join(dir, 'native.json'))} is not valid JSON`);
      assert.match(got.explicit, named);
      assert.strictEqual(got.auto.name, 'wasm');
      assert.match(got.auto.reason, named);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
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

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** In a child process with DIGIT_LAB_NATIVE_DIR=`nativeDir`: what initBackend('tensorflow') throws and what 'auto' picks. */
async function chooseInChild(nativeDir: string): Promise<{ explicit: string; auto: { name: string; reason: string } }> {
  const script = `
    const { initBackend } = require('./lib/engine');
    (async () => {
      let explicit = 'no error';
      try { await initBackend('tensorflow', { quiet: true }); } catch (err) { explicit = err.message; }
      const info = await initBackend('auto', { quiet: true, threads: 1 });
      process.stdout.write(JSON.stringify({ explicit, auto: { name: info.name, reason: info.reason } }) + '\\n');
    })().catch((err) => { process.stderr.write(String(err && err.stack) + '\\n'); process.exitCode = 1; });`;
  const run = await runNode(['-e', script], 50_000, { DIGIT_LAB_NATIVE_DIR: nativeDir, DIGIT_LAB_BACKEND: undefined });
  assert.ok(!run.timedOut, `the child did not finish\n${run.err}`);
  assert.strictEqual(run.code, 0, run.err);
  return JSON.parse(run.out.trim().split('\n').pop() ?? '{}');
}

describe('engine: detectNativeBuild checks a `digit-lab native` build folder', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'digit-lab-native-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const location = '/opt/somewhere/site-packages/tensorflow';
  /** A manifest as `digit-lab native` writes it, its addon at `addon` (relative to the folder). */
  function manifest(addon: string): void {
    writeManifest({
      tensorflow: { version: '2.21.0', location },
      addon: path.join(dir, addon),
      tfjsNode: '4.22.0',
      node: { version: process.version, napi: '8' },
      builtAt: new Date().toISOString(),
    }, dir);
  }
  /** The build's TensorFlow library links: name -> target. */
  function links(targets: Record<string, string>): void {
    const lib = path.join(nativePackageDir(dir), 'deps', 'lib');
    fs.mkdirSync(lib, { recursive: true });
    for (const [name, target] of Object.entries(targets)) fs.symlinkSync(target, path.join(lib, name));
  }
  function addonFile(): void {
    fs.mkdirSync(path.join(dir, 'lib'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'lib', 'tfjs_binding.node'), '');
  }

  it('finds a complete build, and says where it is and what TensorFlow it runs on', () => {
    manifest('lib/tfjs_binding.node');
    addonFile();
    const real = path.join(dir, 'libtensorflow_cc.so.2');
    fs.writeFileSync(real, '');
    links({ 'libtensorflow.so': real, 'libtensorflow_cc.so.2': real });
    const found = detectNativeBuild(dir);
    assert.strictEqual(found.reason, 'found');
    assert.strictEqual(found.source?.kind, 'native-build');
    assert.strictEqual(found.source?.entry, nativePackageDir(dir));
    assert.match(found.source!.describe, new RegExp(`in ${escape(dir)}, on TensorFlow 2\\.21\\.0 from ${escape(location)}`));
  });

  it('no manifest: no build, named by its folder', () => {
    const found = detectNativeBuild(dir);
    assert.strictEqual(found.source, undefined);
    assert.strictEqual(found.reason, `no \`digit-lab native\` build in ${dir}`);
    assert.strictEqual(detectNativeBuild(path.join(dir, 'absent')).reason, `no \`digit-lab native\` build in ${path.join(dir, 'absent')}`);
  });

  it('a damaged manifest: an error that names the file and says to rebuild', () => {
    const file = path.join(dir, 'native.json');
    fs.writeFileSync(file, '{"addon": "x", ');
    assert.throws(() => detectNativeBuild(dir), (err: Error) => {
      assert.ok(err.message.startsWith(`${file} is not valid JSON`), err.message);
      assert.match(err.message, /run `digit-lab native` again/);
      return true;
    });
    fs.writeFileSync(file, JSON.stringify({ addon: path.join(dir, 'a.node') }));
    assert.throws(() => detectNativeBuild(dir), new RegExp(`^Error: ${escape(file)} lacks "addon" or "tensorflow\\.location"`));
  });

  it('the addon missing: no build, naming the addon', () => {
    manifest('lib/tfjs_binding.node');
    const found = detectNativeBuild(dir);
    assert.strictEqual(found.source, undefined);
    assert.strictEqual(found.reason, `the native build's addon ${path.join(dir, 'lib', 'tfjs_binding.node')} is missing; run \`digit-lab native\` again`);
  });

  it('a TensorFlow library link dangling: no build, naming the TensorFlow it was built from', () => {
    manifest('lib/tfjs_binding.node');
    addonFile();
    const real = path.join(dir, 'libtensorflow_framework.so.2');
    fs.writeFileSync(real, '');
    links({ 'libtensorflow_framework.so.2': real, 'libtensorflow_cc.so.2': path.join(dir, 'uninstalled', 'libtensorflow_cc.so.2') });
    const found = detectNativeBuild(dir);
    assert.strictEqual(found.source, undefined);
    assert.strictEqual(found.reason, `the native build's TensorFlow (${location}) is gone; run \`digit-lab native\` again`);
  });

  it('DIGIT_LAB_NATIVE_DIR chooses the folder when none is given', async () => {
    await withEnv('DIGIT_LAB_NATIVE_DIR', dir, async () => {
      assert.strictEqual(detectNativeBuild().reason, `no \`digit-lab native\` build in ${dir}`);
      if (!detectTfjsNode().available) {
        const found = findNativeSource();
        assert.strictEqual(found.source, undefined);
        assert.match(found.reason, new RegExp(`no \`digit-lab native\` build in ${escape(dir)} \\(run \`digit-lab native\` to build one`));
      }
    });
  });
});
