/**
 * Where downloaded data sets live: `<data dir>/<data set id>/<file>`, with the data directory
 * defaulting to `data/` in the digit-lab package (found from this file, not the working directory,
 * so a notebook started anywhere uses the same cache).
 */
import * as crypto from 'crypto';
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

/** The cache folder of one data set. */
export function datasetCacheDir(dataDir: string, datasetId: string): string {
  return path.join(dataDir, datasetId);
}

/** Hex SHA-256 of some bytes. */
export function sha256Hex(bytes: Uint8Array): string {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}
