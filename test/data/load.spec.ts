import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { loadMnist } from '../../lib/data/load';
import { resolveDataDir } from '../../lib/data/cache';
import { digitLabRoot } from '../../lib/common/paths';
import { labelHistogram } from '../../lib/data/summary';
import {
  MNIST_TEST_HISTOGRAM, MNIST_TRAIN_HISTOGRAM, PROJECT_ROOT, SHARED_MNIST, closedPort, deadPid, removeTempDirs, requireSharedMnist, tempDir,
} from './helpers';

const NAMES = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'];

/** A directory holding links to some of the shared MNIST files. */
function linkShared(names: string[], dir = tempDir()): string {
  for (const n of names) fs.symlinkSync(path.join(SHARED_MNIST, n), path.join(dir, n));
  return dir;
}

async function rejects(p: Promise<unknown>, pattern: RegExp): Promise<Error> {
  const err = await p.then(() => assert.fail('should have failed'), (e: unknown) => e);
  assert.ok(err instanceof Error);
  assert.match(err.message, pattern);
  assert.ok(!err.message.includes('\n'), 'one-line message');
  return err;
}

describe('data/load: cache directory', () => {
  it('defaults to data/ in the package, overridable by option and environment', () => {
    assert.equal(digitLabRoot(), PROJECT_ROOT);
    assert.equal(resolveDataDir(undefined, {}), path.join(PROJECT_ROOT, 'data'));
    assert.equal(resolveDataDir(undefined, { DIGIT_LAB_DATA_DIR: '/tmp/x' }), '/tmp/x');
    assert.equal(resolveDataDir('/tmp/y', { DIGIT_LAB_DATA_DIR: '/tmp/x' }), '/tmp/y');
  });
});

describe('data/load: full MNIST from ../shared/mnist @slow', () => {
  after(removeTempDirs);
  const quiet = { quiet: true };

  it('loads 60,000 / 10,000 with the published per-digit counts', async function () {
    requireSharedMnist(this);
    const data = await loadMnist({ source: SHARED_MNIST, ...quiet });
    assert.equal(data.dataset, 'mnist');
    assert.deepEqual(data.source, { kind: 'directory', location: SHARED_MNIST, subset: false });
    assert.equal(data.train.count, 60000);
    assert.equal(data.train.images.length, 60000 * 784);
    assert.equal(data.train.labels.length, 60000);
    assert.equal(data.train.rows, 28);
    assert.equal(data.train.cols, 28);
    assert.equal(data.test?.count, 10000);
    assert.equal(data.test?.images.length, 10000 * 784);
    assert.deepEqual(labelHistogram(data.train.labels), MNIST_TRAIN_HISTOGRAM);
    assert.deepEqual(labelHistogram(data.test!.labels), MNIST_TEST_HISTOGRAM);
    assert.deepEqual(data.files.map((f) => f.name), NAMES);
    assert.equal(data.files[0].sha256, '440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609');
    // The first training image is a 5 and the first test image a 7, as everyone knows them.
    assert.equal(data.train.labels[0], 5);
    assert.equal(data.test!.labels[0], 7);
  });

  it('names the missing file when a directory lacks one', async function () {
    requireSharedMnist(this);
    const dir = linkShared(NAMES.filter((n) => n !== 't10k-labels-idx1-ubyte.gz'));
    await rejects(loadMnist({ source: dir, ...quiet }), new RegExp(`^${path.join(dir, 't10k-labels-idx1-ubyte.gz')}: missing file`));
  });

  it('accepts decompressed files and verifies them by their own checksums', async function () {
    requireSharedMnist(this);
    const dir = linkShared(NAMES.filter((n) => !n.includes('labels')));
    for (const n of NAMES.filter((n) => n.includes('labels'))) {
      fs.writeFileSync(path.join(dir, n.replace(/\.gz$/, '')), zlib.gunzipSync(fs.readFileSync(path.join(SHARED_MNIST, n))));
    }
    const data = await loadMnist({ source: dir, ...quiet });
    assert.equal(data.source.note, undefined, 'all verified');
    assert.deepEqual(labelHistogram(data.test!.labels), MNIST_TEST_HISTOGRAM);
    assert.deepEqual(data.files.map((f) => f.name)[1], 'train-labels-idx1-ubyte');
    assert.equal(data.files[1].sha256, '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5');
  });

  it('rejects a modified file by checksum, unless checksums are turned off', async function () {
    requireSharedMnist(this);
    const dir = linkShared(NAMES.filter((n) => n !== 't10k-labels-idx1-ubyte.gz'));
    const raw = zlib.gunzipSync(fs.readFileSync(path.join(SHARED_MNIST, 't10k-labels-idx1-ubyte.gz')));
    raw[8] = (raw[8] + 1) % 10; // relabel the first test digit
    const file = path.join(dir, 't10k-labels-idx1-ubyte');
    fs.writeFileSync(file, raw);
    await rejects(loadMnist({ source: dir, ...quiet }), new RegExp(`^${file}: checksum mismatch: SHA-256 [0-9a-f]{64}, expected ff7bcfd4`));
    const data = await loadMnist({ source: dir, verifyChecksums: false, ...quiet });
    assert.equal(data.source.note, 'checksums not verified: train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte');
    assert.equal(data.test!.labels[0], 8);
  });

  it('reports a truncated file in a directory by name', async function () {
    requireSharedMnist(this);
    const dir = linkShared(NAMES.filter((n) => n !== 't10k-images-idx3-ubyte.gz'));
    const file = path.join(dir, 't10k-images-idx3-ubyte.gz');
    const gz = fs.readFileSync(path.join(SHARED_MNIST, 't10k-images-idx3-ubyte.gz'));
    fs.writeFileSync(file, gz.subarray(0, gz.length - 1000));
    await rejects(loadMnist({ source: dir, ...quiet }), new RegExp(`^${file}: truncated gzip data`));
  });

  it('auto: uses a complete cache without touching the network', async function () {
    requireSharedMnist(this);
    const dataDir = tempDir();
    fs.mkdirSync(path.join(dataDir, 'mnist'));
    linkShared(NAMES, path.join(dataDir, 'mnist'));
    const data = await loadMnist({ dataDir, mirrors: [`http://127.0.0.1:${await closedPort()}/`], ...quiet });
    assert.deepEqual(data.source, { kind: 'cache', location: path.join(dataDir, 'mnist'), subset: false });
    const viaCache = await loadMnist({ source: 'cache', dataDir, ...quiet });
    assert.equal(viaCache.source.kind, 'cache');
  });

  it('auto: replaces a bad cached file with a verified download and says so', async function () {
    requireSharedMnist(this);
    const dataDir = tempDir();
    const cacheDir = path.join(dataDir, 'mnist');
    fs.mkdirSync(cacheDir);
    for (const n of NAMES) fs.copyFileSync(path.join(SHARED_MNIST, n), path.join(cacheDir, n));
    fs.writeFileSync(path.join(cacheDir, 't10k-labels-idx1-ubyte.gz'), 'garbage');
    const warnings: string[] = [];
    await rejects(loadMnist({ source: 'cache', dataDir, ...quiet }), /t10k-labels-idx1-ubyte\.gz: not an IDX file/);
    const data = await loadMnist({ dataDir, mirrors: [SHARED_MNIST], warn: (m) => warnings.push(m) });
    assert.equal(data.source.kind, 'download');
    assert.equal(data.source.location, SHARED_MNIST);
    assert.match(data.source.note ?? '', /3 of 4 files were already in the cache/);
    assert.match(warnings.join('\n'), /ignoring a bad cached file.*t10k-labels-idx1-ubyte\.gz: not an IDX file/);
    assert.deepEqual(fs.readFileSync(path.join(cacheDir, 't10k-labels-idx1-ubyte.gz')), fs.readFileSync(path.join(SHARED_MNIST, 't10k-labels-idx1-ubyte.gz')));
  });
});

describe('data/load: sources and fallbacks', () => {
  after(removeTempDirs);

  it('auto: falls back to the embedded digits when no mirror works, and says why', async () => {
    const dataDir = tempDir();
    const warnings: string[] = [];
    const port = await closedPort();
    const data = await loadMnist({ dataDir, mirrors: [`http://127.0.0.1:${port}/`, path.join(dataDir, 'nowhere')], retries: 0, warn: (m) => warnings.push(m) });
    assert.equal(data.source.kind, 'embedded');
    assert.equal(data.source.subset, true);
    assert.equal(data.test, null);
    assert.equal(data.train.count, 10000);
    assert.match(data.source.note ?? '', /^train-images-idx3-ubyte\.gz: download failed: .*connection refused.*no file .*no test split$/);
    assert.equal(warnings.length, 1);
    assert.deepEqual(fs.readdirSync(path.join(dataDir, 'mnist')), [], 'nothing cached');
  });

  it('an explicit URL source does not fall back', async () => {
    const port = await closedPort();
    await rejects(loadMnist({ source: `http://127.0.0.1:${port}/`, dataDir: tempDir(), retries: 0, quiet: true }), /^train-images-idx3-ubyte\.gz: download failed: .*connection refused/);
  });

  it('source cache with an empty cache says how to fill it', async () => {
    const dataDir = tempDir();
    await rejects(loadMnist({ source: 'cache', dataDir, quiet: true }), new RegExp(`^${path.join(dataDir, 'mnist', 'train-images-idx3-ubyte.gz')}: missing from the cache \\(run \`digit-lab data\``));
  });

  it('rejects a source that is neither a keyword, a directory nor a URL', async () => {
    await rejects(loadMnist({ source: 'embeded', quiet: true }), /embeded: no such directory \(source must be auto, embedded, cache, a directory or an http\(s\) URL base\)/);
  });

  it('rejects unknown data sets and the embedded source for non-MNIST data', async () => {
    await rejects(loadMnist({ dataset: 'cifar', quiet: true }), /unknown data set "cifar"/);
    await rejects(loadMnist({ dataset: 'fashion-mnist', source: 'embedded', quiet: true }), /embedded source holds MNIST digits only, not fashion-mnist/);
    await rejects(
      loadMnist({ dataset: 'fashion-mnist', dataDir: tempDir(), mirrors: [`http://127.0.0.1:${await closedPort()}/`], retries: 0, quiet: true }),
      /^train-images-idx3-ubyte\.gz: download failed: .*connection refused/,
    );
  });

  it('opening the cache removes temp files that interrupted downloads left there', async () => {
    const dataDir = tempDir();
    const cacheDir = path.join(dataDir, 'mnist');
    fs.mkdirSync(cacheDir);
    const dead = await deadPid();
    const leftover = path.join(cacheDir, `.train-labels-idx1-ubyte.gz.${dead}.0123abcd.part`);
    const running = path.join(cacheDir, `.train-labels-idx1-ubyte.gz.${process.ppid}.4567cdef.part`);
    fs.writeFileSync(leftover, 'half a file');
    fs.writeFileSync(running, 'still coming');
    await rejects(loadMnist({ source: 'cache', dataDir, quiet: true }), /missing from the cache/);
    assert.deepEqual(fs.readdirSync(cacheDir), [path.basename(running)]);
  });

  it('a data directory that is a file is named as such, not as a cache miss', async () => {
    const file = path.join(tempDir(), 'a-file');
    fs.writeFileSync(file, '');
    const saved = process.env.DIGIT_LAB_DATA_DIR;
    process.env.DIGIT_LAB_DATA_DIR = file;
    try {
      await rejects(loadMnist({ source: 'cache', quiet: true }), new RegExp(`^DIGIT_LAB_DATA_DIR=${file} is not a directory$`));
    } finally {
      if (saved === undefined) delete process.env.DIGIT_LAB_DATA_DIR;
      else process.env.DIGIT_LAB_DATA_DIR = saved;
    }
    await rejects(loadMnist({ source: 'cache', dataDir: path.join(file, 'sub'), quiet: true }),
      new RegExp(`^the data directory ${file}/sub \\(--data-dir\\) cannot be created: ${file} is not a directory$`));
    assert.ok(fs.statSync(file).isFile(), 'the file is left alone');
  });

  it('auto without a usable cache reads a full local mirror in place instead of the embedded subset', async function () {
    requireSharedMnist(this);
    this.timeout(60000);
    const file = path.join(tempDir(), 'a-file');
    fs.writeFileSync(file, '');
    const warnings: string[] = [];
    const data = await loadMnist({ dataDir: file, mirrors: [`http://127.0.0.1:${await closedPort()}/`, SHARED_MNIST], warn: (m) => warnings.push(m) });
    assert.equal(data.source.kind, 'directory');
    assert.equal(data.source.location, SHARED_MNIST);
    assert.equal(data.train.count, 60000);
    assert.equal(data.test?.count, 10000);
    assert.match(data.source.note ?? '', /read in place, not cached: the data directory .*a-file \(--data-dir\) is not a directory/);
    assert.equal(warnings.length, 1);
  });

  it('auto without a usable cache and no local mirror falls back to the embedded digits, saying why', async () => {
    const file = path.join(tempDir(), 'a-file');
    fs.writeFileSync(file, '');
    const data = await loadMnist({ dataDir: file, mirrors: [`http://127.0.0.1:${await closedPort()}/`], quiet: true });
    assert.equal(data.source.kind, 'embedded');
    assert.match(data.source.note ?? '', /a-file \(--data-dir\) is not a directory, so mnist cannot be downloaded/);
  });
});
