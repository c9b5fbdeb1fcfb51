/**
 * Fetches one data file into the cache: mirrors in order (URL bases or local directories), a
 * timeout for the response and another for a stalled transfer, retries for transient failures,
 * progress on a terminal only. The bytes go to a temp file next to the cache entry, are checked
 * (IDX structure, size, SHA-256) and only then renamed into place, so a bad download is never
 * cached and never replaces a good file.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import * as path from 'path';
import { fileURLToPath } from 'url';
import { Transform, TransformCallback, Readable } from 'stream';
import { pipeline } from 'stream/promises';
import { SingleBar, Presets } from 'cli-progress';
import { MnistDatasetSpec, MnistFileSpec } from './catalogue';
import { IdxArray, IdxFormatError } from './idx';
import { partFilePath, removeStalePartFiles } from './part-files';
import { checkMnistFile } from './verify';

/** Tuning for downloads; every field has a sensible default. */
export interface DownloadOptions {
  /** Milliseconds to wait for a connection and the response headers (default 30000). */
  timeoutMs?: number;
  /** Milliseconds without a single byte before a transfer counts as stalled (default 30000). */
  idleTimeoutMs?: number;
  /** Extra tries per mirror after a transient failure: 5xx, reset, refused, timeout (default 2). */
  retries?: number;
  /** Delay before the first retry; doubles each time (default 500). */
  retryDelayMs?: number;
  /** No progress bar even on a terminal. */
  quiet?: boolean;
  /** Called as bytes arrive (for notebooks, which have no terminal). */
  onProgress?: (event: DownloadProgress) => void;
}

export interface DownloadProgress {
  file: string;
  mirror: string;
  received: number;
  total: number;
}

/** One failed try, kept for the final error. */
export interface DownloadAttempt {
  mirror: string;
  problem: string;
}

/** Every mirror failed for `file`; the one-line message lists what went wrong where. */
export class DownloadError extends Error {
  constructor(readonly file: string, readonly attempts: DownloadAttempt[]) {
    super(`${file}: download failed: ${summariseAttempts(attempts)}`);
    this.name = 'DownloadError';
  }
}

/** A file now in the cache, with the parsed data from the check (no need to read it again). */
export interface DownloadedFile {
  path: string;
  sha256: string;
  mirror: string;
  idx: IdxArray;
}

const DEFAULTS = { timeoutMs: 30000, idleTimeoutMs: 30000, retries: 2, retryDelayMs: 500 };
const MAX_REDIRECTS = 5;

/** A failed try; `retryable` says whether trying the same mirror again could help. */
class TransferProblem extends Error {
  constructor(message: string, readonly retryable: boolean) {
    super(message);
  }
}

function summariseAttempts(attempts: DownloadAttempt[]): string {
  if (attempts.length === 0) return 'no mirrors to try';
  const parts: string[] = [];
  for (let i = 0; i < attempts.length; ) {
    let j = i;
    while (j < attempts.length && attempts[j].mirror === attempts[i].mirror && attempts[j].problem === attempts[i].problem) j++;
    parts.push(`${attempts[i].mirror}: ${attempts[i].problem}${j - i > 1 ? ` (${j - i} tries)` : ''}`);
    i = j;
  }
  return parts.join('; ');
}

/** A directory mirror or source given as a path or a `file://` URL. */
export function directoryOf(location: string): string {
  return /^file:\/\//i.test(location) ? fileURLToPath(location) : location;
}

/** True for `http://` and `https://` mirror entries; anything else is a directory. */
export function isUrlMirror(mirror: string): boolean {
  return /^https?:\/\//i.test(mirror);
}

function fileUrl(base: string, name: string): string {
  return base.endsWith('/') ? base + name : `${base}/${name}`;
}

function networkProblem(err: NodeJS.ErrnoException): TransferProblem {
  if (err instanceof TransferProblem) return err;
  switch (err.code) {
    case 'ECONNREFUSED': return new TransferProblem('connection refused', true);
    case 'ENOTFOUND': case 'EAI_AGAIN': return new TransferProblem(`host not found (${err.code})`, false);
    case 'ECONNRESET': return new TransferProblem('connection reset by the server', true);
    case 'ERR_STREAM_PREMATURE_CLOSE': return new TransferProblem('connection closed before the file was complete', true);
    default: return new TransferProblem(err.message || String(err), true);
  }
}

/** Opens a URL, following redirects; resolves with a 200 response. */
function openUrl(url: string, timeoutMs: number, redirectsLeft = MAX_REDIRECTS): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const client = url.toLowerCase().startsWith('https:') ? https : http;
    let settled = false;
    const req = client.get(url, { headers: { 'user-agent': 'digit-lab', accept: '*/*' } }, (res) => {
      clearTimeout(timer);
      settled = true;
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        if (redirectsLeft <= 0) return reject(new TransferProblem(`more than ${MAX_REDIRECTS} redirects`, false));
        openUrl(new URL(res.headers.location, url).toString(), timeoutMs, redirectsLeft - 1).then(resolve, reject);
        return;
      }
      if (status !== 200) {
        res.resume();
        const transient = status >= 500 || status === 408 || status === 429;
        return reject(new TransferProblem(`HTTP ${status}${res.statusMessage ? ' ' + res.statusMessage : ''}`, transient));
      }
      resolve(res);
    });
    const timer = setTimeout(() => {
      req.destroy(new TransferProblem(`timeout: no response within ${timeoutMs} ms`, true));
    }, timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      if (!settled) reject(networkProblem(err));
    });
  });
}

/** Counts bytes as they pass; fails a stalled or oversized transfer. */
class TransferMeter extends Transform {
  received = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly limit: number, private readonly idleTimeoutMs: number, private readonly onBytes: (received: number) => void) {
    super();
    this.arm();
  }

  private arm(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.destroy(new TransferProblem(`timeout: transfer stalled (no data for ${this.idleTimeoutMs} ms after ${this.received} bytes)`, true));
    }, this.idleTimeoutMs);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.received += chunk.length;
    if (this.received > this.limit) {
      done(new TransferProblem(`wrong size: more than the expected ${this.limit} bytes`, false));
      return;
    }
    this.arm();
    this.onBytes(this.received);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    clearTimeout(this.timer);
    done();
  }

  override _destroy(err: Error | null, done: (error: Error | null) => void): void {
    clearTimeout(this.timer);
    done(err);
  }
}

function progressReporter(spec: MnistFileSpec, mirror: string, total: number, options: DownloadOptions): { update(n: number): void; stop(): void } {
  const showBar = !options.quiet && process.stderr.isTTY === true;
  const bar = showBar
    ? new SingleBar({ format: `${spec.name} [{bar}] {percentage}% {value}/{total} bytes`, stream: process.stderr, hideCursor: true }, Presets.shades_classic)
    : undefined;
  bar?.start(total, 0);
  return {
    update(received: number) {
      bar?.update(Math.min(received, total));
      options.onProgress?.({ file: spec.name, mirror, received, total });
    },
    stop() {
      bar?.stop();
    },
  };
}

/** Copies one mirror's copy of `spec` into `temp`; returns the byte count. */
async function transfer(spec: MnistFileSpec, mirror: string, temp: string, options: Required<Omit<DownloadOptions, 'onProgress' | 'quiet'>> & DownloadOptions): Promise<number> {
  let source: Readable;
  // Only a declared length tells a cut connection from a complete but different file; without
  // one the checks after the transfer say what is wrong with the bytes.
  let declared: number | undefined;
  if (isUrlMirror(mirror)) {
    const res = await openUrl(fileUrl(mirror, spec.name), options.timeoutMs);
    const length = Number(res.headers['content-length']);
    if (res.headers['content-length'] !== undefined && Number.isFinite(length)) {
      if (length !== spec.bytes) {
        res.destroy();
        throw new TransferProblem(`wrong size: server sends ${length} bytes, expected ${spec.bytes}`, false);
      }
      declared = length;
    }
    source = res;
  } else {
    const file = path.join(directoryOf(mirror), spec.name);
    if (!fs.existsSync(file)) throw new TransferProblem(`no file ${file}`, false);
    source = fs.createReadStream(file);
  }
  const total = declared ?? spec.bytes;
  const progress = progressReporter(spec, mirror, total, options);
  const meter = new TransferMeter(spec.bytes, options.idleTimeoutMs, (n) => progress.update(n));
  // Opened synchronously so the temp file exists before any failure: an asynchronous open that
  // completed after the caller's cleanup would leave a stray file in the cache.
  const out = fs.createWriteStream(temp, { fd: fs.openSync(temp, 'w') });
  try {
    await pipeline(source, meter, out);
  } catch (err) {
    if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()));
    const problem = networkProblem(err as NodeJS.ErrnoException);
    if ((err as Error).message === 'aborted') {
      throw new TransferProblem(`connection closed after ${meter.received} of ${total} bytes`, true);
    }
    throw problem;
  } finally {
    progress.stop();
  }
  if (declared !== undefined && meter.received < declared) {
    throw new TransferProblem(`connection closed after ${meter.received} of ${total} bytes`, true);
  }
  return meter.received;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Downloads `spec` into `destDir/<spec.name>`, trying `mirrors` in order. Resolves once the file
 * passed every check and was renamed into place; otherwise rejects with a DownloadError naming
 * the file and what went wrong at each mirror, leaving `destDir` as it was.
 */
export async function downloadMnistFile(
  spec: MnistFileSpec,
  dataset: MnistDatasetSpec,
  mirrors: string[],
  destDir: string,
  options: DownloadOptions = {},
): Promise<DownloadedFile> {
  const opts = { ...DEFAULTS, ...definedOnly(options) };
  try {
    fs.mkdirSync(destDir, { recursive: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new DownloadError(spec.name, [{ mirror: destDir, problem: `cannot create the cache directory (${code}); choose another with DIGIT_LAB_DATA_DIR or --data-dir` }]);
  }
  removeStalePartFiles(destDir, spec.name);
  const finalPath = path.join(destDir, spec.name);
  const attempts: DownloadAttempt[] = [];
  for (const mirror of mirrors) {
    for (let attempt = 0; attempt <= opts.retries; attempt++) {
      const temp = partFilePath(destDir, spec.name);
      try {
        await transfer(spec, mirror, temp, opts);
        const bytes = fs.readFileSync(temp);
        const checked = checkMnistFile(bytes, spec, dataset, `${spec.name} from ${mirror}`);
        fs.renameSync(temp, finalPath);
        return { path: finalPath, sha256: checked.sha256, mirror, idx: checked.idx };
      } catch (err) {
        const problem = err instanceof IdxFormatError
          ? new TransferProblem(err.problem, false)
          : networkProblem(err as NodeJS.ErrnoException);
        attempts.push({ mirror, problem: problem.message });
        if (!problem.retryable || attempt === opts.retries) break;
        await sleep(opts.retryDelayMs * 2 ** attempt);
      } finally {
        fs.rmSync(temp, { force: true });
      }
    }
  }
  throw new DownloadError(spec.name, attempts);
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
