/**
 * Where `digit-lab native` keeps its build: a folder of its own beside the package (not in
 * node_modules, so `npm install` and `npm ci` leave it alone), overridable for shared installs.
 */
import * as path from 'path';
import { digitLabRoot } from '../../common/paths';

/** The tfjs-node release the native build compiles; it must match the project's @tensorflow/tfjs. */
export const TFJS_NODE_VERSION = '4.22.0';
export const TFJS_NODE = '@tensorflow/tfjs-node';

/** The native build's folder: DIGIT_LAB_NATIVE_DIR, else `.native/` in the digit-lab root. */
export function nativeDir(): string {
  const fromEnv = process.env.DIGIT_LAB_NATIVE_DIR?.trim();
  return fromEnv ? path.resolve(fromEnv) : path.join(digitLabRoot(), '.native');
}

/** The folder tfjs-node is installed into inside the native build. */
export function nativePackageDir(dir = nativeDir()): string {
  return path.join(dir, 'node_modules', '@tensorflow', 'tfjs-node');
}

export function manifestPath(dir = nativeDir()): string {
  return path.join(dir, 'native.json');
}

export function buildLogPath(dir = nativeDir()): string {
  return path.join(dir, 'build.log');
}
