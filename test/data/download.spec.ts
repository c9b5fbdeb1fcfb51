import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import * as zlib from 'zlib';
import { MnistFileSpec } from '../../lib/data/catalogue';
import { DownloadError, DownloadOptions, downloadMnistFile } from '../../lib/data/download';
import { encodeIdx } from '../../lib/data/idx';
import { loadMnist } from '../../lib/data/load';
import {
  LocalServer, MNIST_TEST_HISTOGRAM, MNIST_TRAIN_HISTOGRAM, SHARED_MNIST, TinyDataset, closedPort, deadPid, makeTinyDataset, patternBytes,
  removeTempDirs, requireSharedMnist, serveDirectory, startServer, tempDir, tempLeftovers,
} from './helpers';
import { labelHistogram } from '../../lib/data/summary';

/** Short limits so failure cases finish in about a second, with room for a busy machine. */
const FAST: DownloadOptions = { quiet: true, retries: 2, retryDelayMs: 5, timeoutMs: 1000, idleTimeoutMs: 1000 };

describe('data/download (local faulty servers)', () => {
  let tiny: TinyDataset;
  let server: LocalServer;
  let spec: MnistFileSpec;
  /** Bodies of the faulty variants of the train-images file. */
  const variants: Record<string, Buffer> = {};
  const flakyHits = new Map<string, number>();

  function sendChunked(res: http.ServerResponse, body: Buffer): void {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.write(body); // a write before end() makes Node use chunked encoding: no Content-Length
    res.end();
  }

  before(async () => {
    tiny = makeTinyDataset();
    spec = tiny.spec.files.trainImages;
    const good = tiny.gz[spec.name];
    const raw = tiny.raw[spec.name];
    const wrongMagic = Buffer.from(raw);
    wrongMagic.writeUInt32BE(0x00000801, 0);
    variants.magic = zlib.gzipSync(wrongMagic, { level: 9 });
    variants.count = zlib.gzipSync(encodeIdx(patternBytes((spec.count - 1) * 784, 7), [spec.count - 1, 28, 28]), { level: 9 });
    variants.size = zlib.gzipSync(raw, { level: 1 });
    assert.notEqual(variants.size.length, good.length, 'fixture: gzip level 1 must change the size');
    variants.truncated = good.subarray(0, Math.floor(good.length / 2));

    server = await startServer((req, res) => {
      const [, variant, name] = (req.url ?? '').split('/');
      const body = tiny.gz[name];
      if (!body) return void res.writeHead(404).end();
      switch (variant) {
        case 'good': return void serveDirectory(tiny.dir)(req, res);
        case 'missing': return void res.writeHead(404, 'Not Found').end('no such file');
        case 'broken': return void res.writeHead(500, 'Internal Server Error').end('oops');
        case 'flaky': {
          const n = (flakyHits.get(name) ?? 0) + 1;
          flakyHits.set(name, n);
          if (n === 1) return void res.writeHead(503, 'Service Unavailable').end();
          return void serveDirectory(tiny.dir)(req, res);
        }
        case 'redirect': return void res.writeHead(302, { location: `/good/${name}` }).end();
        case 'silent': return; // never answers
        case 'stall': // headers and half the body, then nothing
          res.writeHead(200, { 'content-length': body.length });
          res.write(body.subarray(0, body.length >> 1));
          return;
        case 'cut': // half the promised body, then the connection drops
          res.writeHead(200, { 'content-length': body.length });
          res.write(body.subarray(0, body.length >> 1), () => setTimeout(() => req.socket.destroy(), 20));
          return;
        case 'good-chunked': return void sendChunked(res, body);
        case 'truncated-chunked': return void sendChunked(res, variants.truncated);
        case 'truncated': return void res.writeHead(200, { 'content-length': variants.truncated.length }).end(variants.truncated);
        case 'magic': case 'count': case 'size': return void sendChunked(res, variants[variant]);
        case 'html': return void sendChunked(res, Buffer.from('<html><body>moved</body></html>'));
        default: return void res.writeHead(404).end();
      }
    });
  });

  after(async () => {
    await server?.close();
    removeTempDirs();
  });

  const mirror = (variant: string) => `${server.url}${variant}/`;

  /** Runs a download expected to fail; returns the error after checking nothing was cached. */
  async function failing(variants: string[], options: DownloadOptions = FAST, fileSpec = spec): Promise<DownloadError> {
    const dest = tempDir();
    const err = await downloadMnistFile(fileSpec, tiny.spec, variants.map(mirror), dest, options).then(
      () => assert.fail('download should have failed'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof DownloadError, `expected DownloadError, got ${String(err)}`);
    assert.ok(err.message.startsWith(`${fileSpec.name}: download failed: `), err.message);
    assert.ok(!err.message.includes('\n'), 'one-line message');
    assert.ok(!fs.existsSync(path.join(dest, fileSpec.name)), 'a failed file is never cached');
    assert.deepEqual(tempLeftovers(dest), [], 'no temp files left');
    return err;
  }

  it('downloads, verifies and renames into the cache', async () => {
    const dest = tempDir();
    const progress: number[] = [];
    const got = await downloadMnistFile(spec, tiny.spec, [mirror('good')], dest, { ...FAST, onProgress: (p) => progress.push(p.received) });
    assert.equal(got.path, path.join(dest, spec.name));
    assert.equal(got.sha256, spec.sha256);
    assert.equal(got.mirror, mirror('good'));
    assert.deepEqual(fs.readFileSync(got.path), tiny.gz[spec.name]);
    assert.deepEqual(got.idx.dims, [spec.count, 28, 28]);
    assert.equal(progress[progress.length - 1], spec.bytes, 'progress reaches the full size');
    assert.deepEqual(fs.readdirSync(dest), [spec.name], 'only the verified file is left');
  });

  it('removes temp files of downloads that died (writer gone, or untouched for an hour), and only those', async () => {
    const dest = tempDir();
    const dead = await deadPid();
    const host = os.hostname().replace(/[^A-Za-z0-9-]/g, '-');
    const part = (tag: string) => path.join(dest, `.${spec.name}.${tag}.part`);
    const files = {
      oldFormatDeadWriter: part(`${dead}.deadbeef`),
      deadWriter: part(`${host}.${dead}.deadbeef`),
      oldOtherHost: part(`elsewhere.${process.ppid}.0badf00d`),
      liveWriter: part(`${host}.${process.ppid}.cafebabe`),
      freshOtherHost: part(`elsewhere.${dead}.feedface`),
    };
    for (const f of Object.values(files)) fs.writeFileSync(f, 'x');
    const old = new Date(Date.now() - 2 * 3600 * 1000);
    fs.utimesSync(files.oldOtherHost, old, old);
    await downloadMnistFile(spec, tiny.spec, [mirror('good')], dest, FAST);
    assert.deepEqual(fs.readdirSync(dest).sort(), [path.basename(files.liveWriter), path.basename(files.freshOtherHost), spec.name].sort(),
      'a running download (its pid alive, or on another machine and recently written) keeps its temp file');
  });

  it('an unwritable cache location is a download error that says what to do', async () => {
    const blocker = path.join(tempDir(), 'a-file');
    fs.writeFileSync(blocker, '');
    const err = await downloadMnistFile(spec, tiny.spec, [mirror('good')], path.join(blocker, 'tiny'), FAST).catch((e: unknown) => e);
    assert.ok(err instanceof DownloadError);
    assert.match(err.message, /cannot create the cache directory \(ENOTDIR\); choose another with DIGIT_LAB_DATA_DIR or --data-dir/);
  });

  it('follows redirects', async () => {
    const got = await downloadMnistFile(spec, tiny.spec, [mirror('redirect')], tempDir(), FAST);
    assert.equal(got.sha256, spec.sha256);
  });

  it('reads from a directory mirror', async () => {
    const got = await downloadMnistFile(spec, tiny.spec, [tiny.dir], tempDir(), FAST);
    assert.equal(got.sha256, spec.sha256);
    assert.equal(got.mirror, tiny.dir);
    const viaUrl = await downloadMnistFile(spec, tiny.spec, [pathToFileURL(tiny.dir).href], tempDir(), FAST);
    assert.equal(viaUrl.sha256, spec.sha256);
    const err = await failing([], FAST).catch((e: unknown) => e);
    assert.ok(err instanceof DownloadError);
    assert.match(err.message, /no mirrors to try/);
  });

  it('HTTP 404: not retried, next mirror tried', async () => {
    const before = server.requests.length;
    const got = await downloadMnistFile(spec, tiny.spec, [mirror('missing'), mirror('good')], tempDir(), FAST);
    assert.equal(got.mirror, mirror('good'));
    assert.equal(server.requests.slice(before).filter((u) => u.startsWith('/missing/')).length, 1);
    const err = await failing(['missing']);
    assert.match(err.message, /missing\/: HTTP 404 Not Found$/);
  });

  it('HTTP 500: retried, then reported', async () => {
    const err = await failing(['broken']);
    assert.match(err.message, /broken\/: HTTP 500 Internal Server Error \(3 tries\)/);
  });

  it('a transient 503 is retried and the retry succeeds', async () => {
    const got = await downloadMnistFile(spec, tiny.spec, [mirror('flaky')], tempDir(), FAST);
    assert.equal(got.sha256, spec.sha256);
    assert.equal(flakyHits.get(spec.name), 2);
  });

  it('connection refused', async () => {
    const port = await closedPort();
    const dest = tempDir();
    const err = await downloadMnistFile(spec, tiny.spec, [`http://127.0.0.1:${port}/`], dest, { ...FAST, retries: 1 }).catch((e: unknown) => e);
    assert.ok(err instanceof DownloadError);
    assert.match(err.message, /connection refused \(2 tries\)/);
    assert.deepEqual(fs.readdirSync(dest), []);
  });

  it('a server that never answers times out', async () => {
    const err = await failing(['silent'], { ...FAST, retries: 0 });
    assert.match(err.message, /timeout: no response within 1000 ms/);
  });

  it('a stalled transfer times out', async () => {
    const err = await failing(['stall'], { ...FAST, retries: 0 });
    assert.match(err.message, /timeout: transfer stalled \(no data for 1000 ms after \d+ bytes\)/);
  });

  it('a connection cut mid-transfer is reported and retried', async () => {
    const err = await failing(['cut'], { ...FAST, retries: 1 });
    assert.match(err.message, /connection (closed|reset)[^;]*\(2 tries\)/);
  });

  it('truncated gzip', async () => {
    const err = await failing(['truncated-chunked']);
    assert.match(err.message, /truncated gzip data/);
    const sized = await failing(['truncated']);
    assert.match(sized.message, /wrong size: server sends \d+ bytes, expected \d+/);
  });

  it('wrong magic', async () => {
    assert.match((await failing(['magic'])).message, /wrong magic number 0x00000801 \(expected 0x00000803/);
    assert.match((await failing(['html'])).message, /not an IDX file/);
  });

  it('wrong counts', async () => {
    assert.match((await failing(['count'])).message, /wrong count: holds 29 items, expected 30/);
  });

  it('wrong size', async () => {
    // Larger than the catalogue size: cut off as soon as it overflows.
    assert.ok(variants.size.length > spec.bytes);
    assert.match((await failing(['size'])).message, new RegExp(`size/: wrong size: more than the expected ${spec.bytes} bytes$`));
    // Smaller, but a valid IDX file: caught by the size check after the transfer.
    const bigger = { ...spec, bytes: spec.bytes + 7 };
    assert.match((await failing(['good'], FAST, bigger)).message, new RegExp(`wrong size: server sends ${spec.bytes} bytes, expected ${spec.bytes + 7}`));
    assert.match((await failing(['good-chunked'], FAST, bigger)).message, new RegExp(`wrong size: ${spec.bytes} bytes, expected ${spec.bytes + 7}$`));
  });

  it('checksum mismatch', async () => {
    const wrongSum = { ...spec, sha256: '0'.repeat(64) };
    const err = await failing(['good'], FAST, wrongSum);
    assert.match(err.message, new RegExp(`checksum mismatch: SHA-256 ${spec.sha256}, expected 0{64}`));
  });

  it('lists every mirror that failed', async () => {
    const err = await failing(['missing', 'magic', 'broken'], { ...FAST, retries: 0 });
    assert.match(err.message, /missing\/: HTTP 404.*; .*magic\/: wrong magic.*; .*broken\/: HTTP 500/);
  });

  it('a failed download leaves an existing good cached file untouched', async () => {
    const dest = tempDir();
    const cached = path.join(dest, spec.name);
    fs.writeFileSync(cached, tiny.gz[spec.name]);
    const old = new Date('2001-02-03T04:05:06Z');
    fs.utimesSync(cached, old, old);
    for (const variant of ['missing', 'magic', 'size', 'truncated-chunked', 'stall']) {
      await downloadMnistFile(spec, tiny.spec, [mirror(variant)], dest, { ...FAST, retries: 0 }).then(
        () => assert.fail(`${variant} should fail`),
        (e: unknown) => assert.ok(e instanceof DownloadError),
      );
      assert.deepEqual(fs.readFileSync(cached), tiny.gz[spec.name], `${variant}: contents kept`);
      assert.equal(fs.statSync(cached).mtimeMs, old.getTime(), `${variant}: not rewritten`);
      assert.deepEqual(fs.readdirSync(dest), [spec.name], `${variant}: no leftovers`);
    }
  });
});

describe('data/download: full MNIST through a local HTTP mirror @slow', () => {
  let server: LocalServer | undefined;
  after(async () => {
    await server?.close();
    removeTempDirs();
  });

  it('downloads ../shared/mnist over HTTP into an empty cache, then loads it from the cache', async function () {
    requireSharedMnist(this);
    this.timeout(60000);
    server = await startServer(serveDirectory(SHARED_MNIST));
    const dataDir = tempDir();
    const first = await loadMnist({ source: server.url, dataDir, quiet: true });
    assert.equal(first.source.kind, 'download');
    assert.equal(first.source.location, server.url);
    assert.equal(first.train.count, 60000);
    assert.equal(first.test?.count, 10000);
    assert.deepEqual(labelHistogram(first.train.labels), MNIST_TRAIN_HISTOGRAM);
    assert.deepEqual(labelHistogram(first.test!.labels), MNIST_TEST_HISTOGRAM);
    const cacheDir = path.join(dataDir, 'mnist');
    assert.deepEqual(fs.readdirSync(cacheDir).sort(), ['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz', 'train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz']);
    for (const f of first.files) {
      assert.deepEqual(fs.readFileSync(path.join(cacheDir, f.name)), fs.readFileSync(path.join(SHARED_MNIST, f.name)), `${f.name} cached byte for byte`);
    }

    const requests = server.requests.length;
    const second = await loadMnist({ dataDir, quiet: true, mirrors: [server.url] });
    assert.equal(second.source.kind, 'cache');
    assert.equal(second.source.location, cacheDir);
    assert.equal(server.requests.length, requests, 'a complete cache needs no network');
    assert.deepEqual(second.files, first.files);
  });

  it('auto mode takes the mirror list from DIGIT_LAB_MNIST_MIRROR', async function () {
    requireSharedMnist(this);
    this.timeout(60000);
    server ??= await startServer(serveDirectory(SHARED_MNIST));
    const saved = process.env.DIGIT_LAB_MNIST_MIRROR;
    process.env.DIGIT_LAB_MNIST_MIRROR = `http://127.0.0.1:${await closedPort()}/,${server.url}`;
    try {
      const data = await loadMnist({ dataDir: tempDir(), quiet: true, retries: 0 });
      assert.equal(data.source.kind, 'download');
      assert.equal(data.source.location, server.url);
      assert.equal(data.train.count, 60000);
    } finally {
      if (saved === undefined) delete process.env.DIGIT_LAB_MNIST_MIRROR;
      else process.env.DIGIT_LAB_MNIST_MIRROR = saved;
    }
  });
});
