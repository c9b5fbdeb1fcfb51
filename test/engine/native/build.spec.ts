/**
 * `digit-lab native` end to end: builds tfjs-node against a real pip TensorFlow into a temporary
 * folder, then checks idempotence, that package.json and the lock file are untouched, that a
 * failed rebuild keeps its log and the good build, and --remove. Needs a Python with TensorFlow:
 * DIGIT_LAB_TF_PYTHON (CI's native lane sets it).
 */
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { detectNativeBuild } from '../../../lib/engine/native/load';
import { BINDING_PATCH_LEVEL } from '../../../lib/engine/native/binding-patch';
import { readManifest, writeManifest } from '../../../lib/engine/native/manifest';
import { skipIf } from '../../helpers/skip';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SCRIPT = "require('./lib/cli/main').main(['node', 'digit-lab', ...process.argv.slice(1)])";

function cli(args: string[], env: NodeJS.ProcessEnv): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', SCRIPT, 'native', ...args], {
    cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 300_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

function hash(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** Why this suite cannot run here, or null. */
function whyNot(): string | null {
  const python = process.env.DIGIT_LAB_TF_PYTHON;
  if (!python) return 'DIGIT_LAB_TF_PYTHON is not set to a Python with tensorflow-cpu (CI sets it in the native lane)';
  const probe = spawnSync(python, ['-c', 'import importlib.util as u; assert u.find_spec("tensorflow")'], { encoding: 'utf8' });
  return probe.status === 0 ? null : `${python} has no tensorflow package`;
}

describe('digit-lab native @slow', function () {
  this.timeout(600_000);
  let tmp: string;
  let dir: string;
  const python = process.env.DIGIT_LAB_TF_PYTHON ?? '';

  before(function () {
    skipIf(this, whyNot());
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'digit-lab-native-build-'));
    dir = path.join(tmp, 'native');
  });
  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('builds from pip TensorFlow without touching package.json or the lock file, then is idempotent', () => {
    const before = [hash(path.join(ROOT, 'package.json')), hash(path.join(ROOT, 'package-lock.json'))];
    const first = cli(['--python', python, '--json'], { DIGIT_LAB_NATIVE_DIR: dir });
    assert.equal(first.status, 0, first.stderr);
    const result = JSON.parse(first.stdout) as { tensorflow: { version: string; location: string }; addon: string; backend: string; seconds: number; built: boolean };
    assert.equal(result.backend, 'tensorflow');
    assert.match(result.tensorflow.version, /^2\.\d+\.\d+/);
    assert.ok(fs.existsSync(path.join(result.tensorflow.location, 'libtensorflow_cc.so.2')));
    assert.ok(result.addon.startsWith(dir) && fs.existsSync(result.addon), result.addon);
    assert.equal(result.built, true);
    assert.ok(result.seconds > 0);
    assert.match(first.stderr, /digit-lab native: compiling the addon/);
    assert.deepEqual([hash(path.join(ROOT, 'package.json')), hash(path.join(ROOT, 'package-lock.json'))], before);

    // Linked, not copied: the TensorFlow libraries in deps/ are symlinks into the pip package.
    const libDir = path.join(dir, 'node_modules', '@tensorflow', 'tfjs-node', 'deps', 'lib');
    assert.ok(fs.lstatSync(path.join(libDir, 'libtensorflow_cc.so.2')).isSymbolicLink());
    // One tfjs in the process: the build's @tensorflow/tfjs is the project's own.
    assert.equal(fs.realpathSync(path.join(dir, 'node_modules', '@tensorflow', 'tfjs')), fs.realpathSync(path.join(ROOT, 'node_modules', '@tensorflow', 'tfjs')));
    assert.ok(detectNativeBuild(dir).source, detectNativeBuild(dir).reason);
    // Compiled with the binding additions (list attributes, functions), and says so.
    assert.equal(readManifest(dir)?.bindingPatch, BINDING_PATCH_LEVEL);
    assert.match(fs.readFileSync(path.join(dir, 'node_modules', '@tensorflow', 'tfjs-node', 'binding', 'tfjs_binding.cc'), 'utf8'), /"addFunctionDef"/);
    assert.match(first.stderr, /added list attributes and functions to the binding/);

    const again = cli(['--python', python, '--json'], { DIGIT_LAB_NATIVE_DIR: dir });
    assert.equal(again.status, 0, again.stderr);
    assert.equal((JSON.parse(again.stdout) as { built: boolean }).built, false);
  });

  it('keeps the log and the good build when a rebuild fails', () => {
    const manifest = readManifest(dir);
    assert.ok(manifest, 'the first test left a build');
    const failed = cli(['--python', python, '--force'], { DIGIT_LAB_NATIVE_DIR: dir, CXX: '/bin/false' });
    assert.equal(failed.status, 1);
    const m = /error: compiling the tfjs-node addon failed .*; log: (\S+)/.exec(failed.stderr);
    assert.ok(m, failed.stderr);
    assert.match(fs.readFileSync(m[1], 'utf8'), /node-pre-gyp/);
    assert.deepEqual(readManifest(dir), manifest);
    assert.ok(detectNativeBuild(dir).source, 'the previous build still loads');
  });

  it('rebuilds a build made with other binding additions (here the rebuild fails, keeping it)', () => {
    const manifest = readManifest(dir);
    assert.ok(manifest, 'the first test left a build');
    const older = { ...manifest };
    delete older.bindingPatch;
    writeManifest(older, dir);
    try {
      const run = cli(['--python', python], { DIGIT_LAB_NATIVE_DIR: dir, CXX: '/bin/false' });
      assert.equal(run.status, 1, 'without --force, it still tried to compile');
      assert.match(run.stderr, /error: compiling the tfjs-node addon failed/);
    } finally {
      writeManifest(manifest, dir);
    }
  });

  it('--remove deletes the build and its leftovers', () => {
    const removed = cli(['--remove', '--json'], { DIGIT_LAB_NATIVE_DIR: dir });
    assert.equal(removed.status, 0, removed.stderr);
    assert.ok((JSON.parse(removed.stdout) as { removed: string[] }).removed.includes(dir));
    assert.ok(!fs.existsSync(dir) && !fs.existsSync(`${dir}.staging`));
    assert.match(detectNativeBuild(dir).reason, /no `digit-lab native` build/);
    const nothing = cli(['--remove'], { DIGIT_LAB_NATIVE_DIR: dir });
    assert.match(nothing.stderr, /no native build in/);
  });
});
