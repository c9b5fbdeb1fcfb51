/**
 * Where downloaded data sets live: `<data dir>/<data set id>/<file>`, with the data directory
 * defaulting to `data/` in the digit-lab package (found from this file, not the working directory,
 * so a notebook started anywhere uses the same cache).
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { digitLabRoot } from '../common/paths';

/** Environment variable that overrides the data directory. */
export const DATA_DIR_ENV = 'DIGIT_LAB_DATA_DIR';

/** The data directory: the explicit option, else $DIGIT_LAB_DATA_DIR, else `<package>/data`. */
export function resolveDataDir(dataDir?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (dataDir) return path.resolve(dataDir);
  const fromEnv = env[DATA_DIR_ENV];
  if (fromEnv && fromEnv.trim()) return path.resolve(fromEnv.trim());
  return path.join(digitLabRoot(), 'data');
}

/** The data directory as a message names it: with the option or variable that chose it. */
export function describeDataDir(dataDir?: string, env: NodeJS.ProcessEnv = process.env): string {
  const dir = resolveDataDir(dataDir, env);
  if (dataDir) return `the data directory ${dir} (--data-dir)`;
  if (env[DATA_DIR_ENV]?.trim()) return `${DATA_DIR_ENV}=${env[DATA_DIR_ENV]?.trim()}`;
  return `the data directory ${dir}`;
}

/**
 * Why `cacheDir` (a data set's folder in the data directory chosen by `dataDir` and the
 * environment) cannot be used, or undefined when it can: a file stands where the directory is or
 * would be created, or (with `write`) it could not be written. Creates nothing.
 */
export function cacheDirProblem(cacheDir: string, options: { dataDir?: string; write?: boolean; env?: NodeJS.ProcessEnv } = {}): string | undefined {
  const dataDir = resolveDataDir(options.dataDir, options.env);
  const named = describeDataDir(options.dataDir, options.env);
  for (let p = path.resolve(cacheDir); ; p = path.dirname(p)) {
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(p);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return `${named}: cannot use ${p} (${code ?? (err as Error).message})`;
    }
    if (stat !== undefined) {
      if (!stat.isDirectory()) {
        if (p === dataDir) return `${named} is not a directory`;
        return p === path.resolve(cacheDir) ? `${p} is not a directory` : `${named} cannot be created: ${p} is not a directory`;
      }
      if (!options.write) return undefined;
      try {
        fs.accessSync(p, fs.constants.W_OK);
        return undefined;
      } catch (err) {
        return `${named}: ${p} is not writable (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
      }
    }
    if (path.dirname(p) === p) return undefined;
  }
}

/** The cache folder of one data set. */
export function datasetCacheDir(dataDir: string, datasetId: string): string {
  return path.join(dataDir, datasetId);
}

/** Hex SHA-256 of some bytes. */
export function sha256Hex(bytes: Uint8Array): string {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}
