/**
 * What compiling tfjs-node's addon needs besides TensorFlow: a C++ compiler, make, a Python for
 * gyp, node-gyp (npm bundles one), npm itself, and Node's headers (found locally when the Node
 * install ships them, since node-gyp would otherwise download them from nodejs.org).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { NativeSetupError } from './errors';
import { which } from '../../common/which';

export interface Toolchain {
  cxx: string;
  make: string;
  python: string;
  /** node-gyp's JS entry, run with this Node. */
  nodeGyp: string;
  /** npm's JS entry (npm-cli.js) when found, else the `npm` on PATH. */
  npm: { command: string; args: string[] };
  /** Node's headers folder to pass as --nodedir, or undefined when node-gyp must fetch them. */
  nodedir?: string;
}

/** The first of `candidates` that runs, or null. */
function firstOf(candidates: (string | undefined)[]): string | null {
  for (const c of candidates) {
    if (!c) continue;
    const found = which(c);
    if (found) return found;
  }
  return null;
}

function npmDir(): string | null {
  const candidates = [
    process.env.npm_execpath ? path.resolve(path.dirname(process.env.npm_execpath), '..') : undefined,
    path.resolve(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm'),
  ];
  for (const dir of candidates) {
    if (dir && fs.existsSync(path.join(dir, 'bin', 'npm-cli.js'))) return dir;
  }
  return null;
}

function findNodeGyp(): string | null {
  const fromNpmConfig = process.env.npm_config_node_gyp;
  if (fromNpmConfig && fs.existsSync(fromNpmConfig)) return fromNpmConfig;
  const dir = npmDir();
  const bundled = dir && path.join(dir, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (bundled && fs.existsSync(bundled)) return bundled;
  const onPath = which('node-gyp');
  return onPath ? fs.realpathSync(onPath) : null;
}

/** Node's own headers: shipped with the install (…/include/node), or already in node-gyp's cache. */
export function findNodeHeaders(): string | undefined {
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  const version = process.version.slice(1);
  const candidates = [
    prefix,
    path.join(os.homedir(), '.cache', 'node-gyp', version),
    path.join(os.homedir(), '.node-gyp', version),
  ];
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'include', 'node', 'common.gypi')) && fs.existsSync(path.join(dir, 'include', 'node', 'node_api.h')));
}

/** Finds every tool the build needs, naming all that are missing in one error. */
export function findToolchain(preferredPython?: string): Toolchain {
  const cxx = firstOf([process.env.CXX, 'c++', 'g++', 'clang++']);
  const make = firstOf(['make', 'gmake']);
  const python = firstOf([process.env.PYTHON, preferredPython, 'python3', 'python']);
  const nodeGyp = findNodeGyp();
  const npm = npmDir();
  const npmOnPath = which('npm');
  const missing: string[] = [];
  if (!cxx) missing.push('a C++ compiler (g++ or clang++; e.g. `apt-get install g++`)');
  if (!make) missing.push('make (e.g. `apt-get install make`)');
  if (!python) missing.push('python3 (node-gyp runs gyp with it)');
  if (!nodeGyp) missing.push('node-gyp (npm bundles it; or `npm install -g node-gyp`)');
  if (!npm && !npmOnPath) missing.push('npm');
  if (missing.length) throw new NativeSetupError(`cannot compile tfjs-node: missing ${missing.join(', ')}`);
  return {
    cxx: cxx!,
    make: make!,
    python: python!,
    nodeGyp: nodeGyp!,
    npm: npm ? { command: process.execPath, args: [path.join(npm, 'bin', 'npm-cli.js')] } : { command: npmOnPath!, args: [] },
    nodedir: findNodeHeaders(),
  };
}
