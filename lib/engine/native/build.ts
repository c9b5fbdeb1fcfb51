/**
 * `digit-lab native`: builds @tensorflow/tfjs-node from its own sources against the libraries
 * and headers of the user's pip TensorFlow, in a folder of its own (never package.json or the
 * lock file), linking TensorFlow rather than copying it. The build happens in a staging folder
 * and replaces a previous build only once it has loaded and agreed with wasm.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { BINDING_PATCH_LEVEL, patchBinding } from './binding-patch';
import { NativeSetupError } from './errors';
import { checkPlatform, FoundTensorflow, locateTensorflow, LocateOptions } from './locate';
import { NativeManifest, readManifest, writeManifest } from './manifest';
import { manifestPath, nativeDir, nativePackageDir, TFJS_NODE, TFJS_NODE_VERSION } from './paths';
import { findToolchain, Toolchain } from './toolchain';
import { verifyNative } from './verify';

export interface BuildOptions extends LocateOptions {
  /** Rebuild even when the existing build matches. */
  force?: boolean;
  /** The build folder (default: nativeDir()). */
  dir?: string;
  /** One line per step. */
  progress?: (line: string) => void;
}

/** What `digit-lab native --json` prints. */
export interface BuildResult {
  tensorflow: { version: string; location: string };
  addon: string;
  backend: 'tensorflow';
  seconds: number;
  /** False when an existing matching build was checked and kept. */
  built: boolean;
  /** Largest relative gradient difference from wasm in the check. */
  gradientDifference: number;
}

const LOG_NAME = 'build.log';

/** Runs a command, appending its output to `log`; rejects with the log's path on failure. */
function runLogged(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; log: string; what: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    fs.appendFileSync(options.log, `\n$ ${[command, ...args].join(' ')}\n(cwd ${options.cwd})\n`);
    const out = fs.openSync(options.log, 'a');
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', out, out] });
    child.on('error', (err) => {
      fs.closeSync(out);
      reject(new NativeSetupError(`${options.what} could not start (${err.message}); log: ${options.log}`, options.log));
    });
    child.on('close', (code, signal) => {
      fs.closeSync(out);
      if (code === 0) resolve();
      else reject(new NativeSetupError(`${options.what} failed (${signal ?? `exit ${code}`})${hintFromLog(options.log)}; log: ${options.log}`, options.log));
    });
  });
}

/** A short cause for well-known failures, read from the end of the log. */
function hintFromLog(log: string): string {
  let tail = '';
  try {
    tail = fs.readFileSync(log, 'utf8').slice(-20_000);
  } catch {
    return '';
  }
  if (/network connectivity|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT/.test(tail)) {
    return ': a download failed (offline or behind a proxy?)';
  }
  const error = tail.split('\n').reverse().find((l) => /\berror\b:/i.test(l) && !/^gyp ERR!|^npm (ERR|error)/.test(l));
  return error ? `: ${error.trim().slice(0, 200)}` : '';
}

/** Whether the build in `dir` was made from this TensorFlow for this Node and is still complete. */
function matchingBuild(dir: string, tf: FoundTensorflow): NativeManifest | null {
  let manifest: NativeManifest | null;
  try {
    manifest = readManifest(dir);
  } catch {
    return null;
  }
  if (!manifest) return null;
  const same =
    manifest.tensorflow.location === tf.location &&
    manifest.tensorflow.version === tf.version &&
    manifest.tfjsNode === TFJS_NODE_VERSION &&
    manifest.node.napi === String(process.versions.napi) &&
    manifest.bindingPatch === BINDING_PATCH_LEVEL &&
    fs.existsSync(manifest.addon);
  return same ? manifest : null;
}

/** Every other @tensorflow package tfjs-node brought becomes a link to the project's own copy. */
function shareProjectTfjs(stagingPackages: string): void {
  const projectTfjs = path.dirname(require.resolve('@tensorflow/tfjs/package.json'));
  for (const name of fs.readdirSync(stagingPackages)) {
    if (name === 'tfjs-node') continue;
    const target = name === 'tfjs' ? projectTfjs : resolvePackageDir(`@tensorflow/${name}`, projectTfjs);
    fs.rmSync(path.join(stagingPackages, name), { recursive: true, force: true });
    // One tfjs in the process: a second copy would register its kernels in a separate registry.
    if (target) fs.symlinkSync(target, path.join(stagingPackages, name), 'dir');
  }
}

function resolvePackageDir(name: string, from: string): string | null {
  try {
    return path.dirname(require.resolve(`${name}/package.json`, { paths: [from] }));
  } catch {
    return null;
  }
}

/** deps/ as tfjs-node's binding.gyp expects it, made of links into the TensorFlow package. */
function linkTensorflow(packageDir: string, tf: FoundTensorflow): void {
  const deps = path.join(packageDir, 'deps');
  fs.rmSync(deps, { recursive: true, force: true });
  fs.mkdirSync(path.join(deps, 'lib'), { recursive: true });
  // Link names for the linker (-ltensorflow) and the sonames the addon asks for at load time.
  const links: [string, string][] = [
    ['libtensorflow.so', tf.libraries.cc],
    ['libtensorflow_cc.so.2', tf.libraries.cc],
    ['libtensorflow_framework.so', tf.libraries.framework],
    ['libtensorflow_framework.so.2', tf.libraries.framework],
  ];
  for (const [name, target] of links) fs.symlinkSync(target, path.join(deps, 'lib', name));
  fs.symlinkSync(tf.include, path.join(deps, 'include'), 'dir');
}

function findAddon(packageDir: string): string {
  const libDir = path.join(packageDir, 'lib');
  const versions = fs.existsSync(libDir) ? fs.readdirSync(libDir).filter((d) => /^napi-v\d+$/.test(d)) : [];
  versions.sort((a, b) => Number(b.slice(6)) - Number(a.slice(6)));
  for (const v of versions) {
    const addon = path.join(libDir, v, 'tfjs_binding.node');
    if (fs.existsSync(addon)) return addon;
  }
  throw new NativeSetupError(`the build finished but left no tfjs_binding.node in ${libDir}`);
}

async function compile(staging: string, tf: FoundTensorflow, tools: Toolchain, say: (l: string) => void): Promise<void> {
  const log = path.join(staging, LOG_NAME);
  fs.writeFileSync(path.join(staging, 'package.json'), JSON.stringify({ name: 'digit-lab-native', private: true, description: 'made by `digit-lab native`; safe to delete' }, null, 2) + '\n');
  fs.writeFileSync(log, `digit-lab native: ${TFJS_NODE}@${TFJS_NODE_VERSION} against TensorFlow ${tf.version} (${tf.location})\n`);
  say(`fetching ${TFJS_NODE}@${TFJS_NODE_VERSION} sources with npm (its download script is skipped)`);
  await runLogged(tools.npm.command, [...tools.npm.args, 'install', '--ignore-scripts', '--no-audit', '--no-fund', '--no-package-lock', '--omit=dev', '--loglevel=error', `${TFJS_NODE}@${TFJS_NODE_VERSION}`], {
    cwd: staging, log, what: `npm install ${TFJS_NODE}@${TFJS_NODE_VERSION}`,
  });
  const packageDir = nativePackageDir(staging);
  shareProjectTfjs(path.dirname(packageDir));
  linkTensorflow(packageDir, tf);
  say(patchBinding(packageDir)
    ? 'added list attributes and functions to the binding (for oneDNN\'s fused convolution and whole-model inference)'
    : 'binding source not recognised: building it unchanged (fused convolution and whole-model inference fall back)');
  say(`compiling the addon with ${path.basename(tools.cxx)} (about 20 s)${tools.nodedir ? '' : '; Node headers will be downloaded by node-gyp'}`);
  const env: NodeJS.ProcessEnv = { ...process.env, npm_config_node_gyp: tools.nodeGyp, npm_config_python: tools.python, PYTHON: tools.python, CXX: tools.cxx };
  if (tools.nodedir) env.npm_config_nodedir = tools.nodedir;
  const preGyp = require.resolve('@mapbox/node-pre-gyp/bin/node-pre-gyp', { paths: [packageDir] });
  await runLogged(process.execPath, [preGyp, 'rebuild', '--build-from-source', '--build-latest-napi-version-only'], {
    cwd: packageDir, env, log, what: 'compiling the tfjs-node addon',
  });
  // The object files are not needed at run time (the addon is copied into lib/napi-v*).
  fs.rmSync(path.join(packageDir, 'build'), { recursive: true, force: true });
}

/** Moves the verified staging build into place, then drops the old one. */
function swapIn(staging: string, dir: string): void {
  const old = `${dir}.old`;
  fs.rmSync(old, { recursive: true, force: true });
  if (fs.existsSync(dir)) fs.renameSync(dir, old);
  fs.renameSync(staging, dir);
  fs.rmSync(old, { recursive: true, force: true });
}

/** Builds (or confirms) the native tfjs-node; see the module comment. */
export async function buildNative(options: BuildOptions = {}): Promise<BuildResult> {
  const started = process.hrtime.bigint();
  const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
  const say = options.progress ?? (() => undefined);
  const dir = path.resolve(options.dir ?? nativeDir());
  checkPlatform();
  say(options.tensorflow ? `checking TensorFlow in ${options.tensorflow}` : `looking for TensorFlow through ${options.python ?? 'python3'}`);
  const tf = locateTensorflow(options);
  say(`found TensorFlow ${tf.version} in ${tf.location} (C API present)`);

  const existing = options.force ? null : matchingBuild(dir, tf);
  if (existing) {
    say(`a build for this TensorFlow is already in ${dir}; checking it loads`);
    const check = verifyNative(nativePackageDir(dir));
    return { tensorflow: { version: tf.version, location: tf.location }, addon: existing.addon, backend: 'tensorflow', seconds: seconds(), built: false, gradientDifference: check.gradientDifference };
  }

  const tools = findToolchain(tf.python);
  const staging = `${dir}.staging`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  await compile(staging, tf, tools, say);
  const stagedAddon = findAddon(nativePackageDir(staging));
  say('checking the addon: the backend starts and a conv gradient agrees with wasm');
  const check = verifyNative(nativePackageDir(staging));
  const addon = path.join(dir, path.relative(staging, stagedAddon));
  writeManifest({
    tensorflow: { version: tf.version, location: tf.location },
    addon,
    tfjsNode: TFJS_NODE_VERSION,
    node: { version: process.version, napi: String(process.versions.napi) },
    builtAt: new Date().toISOString(),
    bindingPatch: BINDING_PATCH_LEVEL,
  }, staging);
  swapIn(staging, dir);
  say(`done: ${manifestPath(dir)}`);
  return { tensorflow: { version: tf.version, location: tf.location }, addon, backend: 'tensorflow', seconds: seconds(), built: true, gradientDifference: check.gradientDifference };
}

/** Deletes the native build (and any staging leftovers); returns what was removed. */
export function removeNative(dir = nativeDir()): string[] {
  const removed: string[] = [];
  for (const d of [dir, `${dir}.staging`, `${dir}.old`]) {
    if (fs.existsSync(d)) {
      fs.rmSync(d, { recursive: true, force: true });
      removed.push(d);
    }
  }
  return removed;
}

