/** Shared fixtures for the data-layer specs: temp dirs, generated data sets, local HTTP servers. */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { AddressInfo } from 'net';
import { MnistDatasetSpec, MnistFileSpec } from '../../lib/data/catalogue';
import { sha256Hex } from '../../lib/data/cache';
import { encodeIdx } from '../../lib/data/idx';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
/** The full MNIST files these machines provide next to the project. */
export const SHARED_MNIST = path.resolve(PROJECT_ROOT, '..', 'shared', 'mnist');

export const MNIST_TRAIN_HISTOGRAM = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949];
export const MNIST_TEST_HISTOGRAM = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];

/** Skips the calling test (with a printed reason) when ../shared/mnist is absent. */
export function requireSharedMnist(ctx: Mocha.Context): void {
  const missing = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']
    .filter((f) => !fs.existsSync(path.join(SHARED_MNIST, f)));
  if (missing.length) {
    console.log(`      (skipped: full MNIST not found at ${SHARED_MNIST}; missing ${missing.join(', ')})`);
    ctx.skip();
  }
}

/** A fresh temp directory; removed by `removeTempDirs`. */
const made: string[] = [];
export function tempDir(prefix = 'digit-lab-data-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}
export function removeTempDirs(): void {
  while (made.length) fs.rmSync(made.pop()!, { recursive: true, force: true });
}

/** Deterministic pseudo-random bytes (so generated files compress the same every run). */
export function patternBytes(n: number, seed: number, modulo = 256): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    // Mostly zeros like real digits, so gzip levels give different sizes.
    out[i] = x % 3 === 0 ? x % modulo : 0;
  }
  return out;
}

/** A tiny MNIST-format data set generated on disk, with a catalogue entry that matches it. */
export interface TinyDataset {
  spec: MnistDatasetSpec;
  dir: string;
  /** Raw (uncompressed) IDX bytes of each file, by file name. */
  raw: Record<string, Buffer>;
  /** The gzip bytes served, by file name. */
  gz: Record<string, Buffer>;
}

/** Generates `train` / `test` images of 28x28 and labels 0..9 into a new temp directory. */
export function makeTinyDataset(train = 30, test = 10): TinyDataset {
  const dir = tempDir('digit-lab-tiny-');
  const raw: Record<string, Buffer> = {};
  const gz: Record<string, Buffer> = {};
  const file = (name: string, kind: 'images' | 'labels', split: 'train' | 'test', count: number, seed: number): MnistFileSpec => {
    const bytes = kind === 'images'
      ? encodeIdx(patternBytes(count * 784, seed), [count, 28, 28])
      : encodeIdx(Uint8Array.from({ length: count }, (_, i) => i % 10), [count]);
    raw[name] = bytes;
    gz[name] = zlib.gzipSync(bytes, { level: 9 });
    fs.writeFileSync(path.join(dir, name), gz[name]);
    return { name, kind, split, count, bytes: gz[name].length, sha256: sha256Hex(gz[name]), rawSha256: sha256Hex(bytes) };
  };
  const spec: MnistDatasetSpec = {
    id: 'tiny',
    title: 'generated test data',
    homepage: 'none',
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    rows: 28,
    cols: 28,
    mirrors: [],
    files: {
      trainImages: file('train-images-idx3-ubyte.gz', 'images', 'train', train, 7),
      trainLabels: file('train-labels-idx1-ubyte.gz', 'labels', 'train', train, 0),
      testImages: file('t10k-images-idx3-ubyte.gz', 'images', 'test', test, 11),
      testLabels: file('t10k-labels-idx1-ubyte.gz', 'labels', 'test', test, 0),
    },
    hasEmbeddedSubset: false,
  };
  return { spec, dir, raw, gz };
}

/** A local HTTP server on 127.0.0.1 whose open connections are cut on close (stalled ones too). */
export interface LocalServer {
  url: string;
  port: number;
  requests: string[];
  close(): Promise<void>;
}

export function startServer(handler: http.RequestListener): Promise<LocalServer> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    handler(req, res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      resolve({
        url: `http://127.0.0.1:${port}/`,
        port,
        requests,
        close: () => new Promise<void>((done) => {
          server.closeAllConnections();
          server.close(() => done());
        }),
      });
    });
  });
}

/** Serves the files of a directory (404 for anything else), with Content-Length. */
export function serveDirectory(dir: string): http.RequestListener {
  return (req, res) => {
    const name = path.basename(decodeURIComponent((req.url ?? '/').split('?')[0]));
    const file = path.join(dir, name);
    if (!name || !fs.existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': fs.statSync(file).size });
    fs.createReadStream(file).pipe(res);
  };
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const s = await startServer((_req, res) => res.end());
  await s.close();
  return s.port;
}

/** Names in a directory that look like leftovers of a download (temp files). */
export function tempLeftovers(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((n) => n.startsWith('.') || n.endsWith('.part') || n.endsWith('.tmp'));
}

/** The pid of a process that has just exited (so no process has it, barring a quick reuse). */
export function deadPid(): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', '']);
    child.on('error', reject);
    child.on('exit', () => resolve(child.pid as number));
  });
}
