/**
 * Multi-threaded tfjs `wasm` backend in Node.
 *
 * @tensorflow/tfjs-backend-wasm 4.22 ships a threaded SIMD build (XNNPACK with a pthreadpool) but
 * never uses it in Node: its feature flag answers "no threads" under Node, its worker script is
 * handed to `new Worker()` as a `blob:` URL (which Node's worker_threads refuse), and the C side
 * caps the pool at `logical cores / 2` (one thread on a 2-core machine). This module loads that
 * build itself with what Node needs (a real file for the worker, the glue script's path, the
 * core count the pool is sized from) and wraps it in the package's own `BackendWasm`, so every
 * stock wasm kernel (and ours) runs unchanged on top.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { KernelBackend } from '@tensorflow/tfjs';

/** The part of the Emscripten module object that we touch. */
interface ThreadedModule {
  cwrap(name: string, ret: string | null, args: string[]): (...args: unknown[]) => unknown;
  PThread?: { unusedWorkers: Array<{ unref(): void }>; runningWorkers: Array<{ unref(): void }> };
  tfjs?: unknown;
}

type WasmPackage = {
  BackendWasm: new (module: unknown) => KernelBackend;
  setThreadsCount(n: number): void;
  getThreadsCount(): number;
};

const PACKAGE = '@tensorflow/tfjs-backend-wasm';
const GLUE = 'tfjs-backend-wasm-threaded-simd.js';
const WORKER_MODULE = 'tfjs-backend-wasm-threaded-simd.worker.js';
/** The C side never uses more than this many threads (its pre-created worker pool). */
export const MAX_WASM_THREADS = 8;

function wasmOutDir(): string {
  return path.dirname(require.resolve(`${PACKAGE}/wasm-out/${GLUE}`));
}

/**
 * Writes the pthread worker script to a file Node can start. The package keeps it as a string
 * (meant for a Blob); its `\n` escapes were turned into real newlines by the template literal,
 * so they are re-escaped the same way the package does before making its Blob.
 */
function writeWorkerScript(dir: string): string {
  const { wasmWorkerContents } = require(path.join(dir, WORKER_MODULE)) as { wasmWorkerContents: string };
  const source = wasmWorkerContents.replace(/\n/g, '\\n');
  const hash = crypto.createHash('sha256').update(source).digest('hex').slice(0, 16);
  const file = path.join(os.tmpdir(), `digit-lab-tfjs-wasm-worker-${hash}.js`);
  if (!fs.existsSync(file)) {
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, source);
    fs.renameSync(tmp, file);
  }
  return file;
}

/**
 * Runs `fn` while `os.cpus()` reports `2 * threads` cores: the backend sizes its thread pool from
 * `emscripten_num_logical_cores() / 2`, read once while the module starts.
 */
async function withReportedCores<T>(threads: number, fn: () => Promise<T>): Promise<T> {
  // The module object itself (an `import * as` namespace is read-only): the glue calls require('os').
  const nodeOs = require('os') as { cpus: typeof os.cpus };
  const realCpus = nodeOs.cpus;
  const fake = () => {
    const cpus = realCpus();
    return Array.from({ length: 2 * threads }, (_, i) => cpus[i % Math.max(cpus.length, 1)]);
  };
  nodeOs.cpus = fake;
  try {
    return await fn();
  } finally {
    nodeOs.cpus = realCpus;
  }
}

/** Whether this Node can run wasm threads at all (shared memory + worker_threads). */
export function wasmThreadsSupported(): boolean {
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    require('worker_threads');
    return true;
  } catch {
    return false;
  }
}

/**
 * Creates a `BackendWasm` on the threaded SIMD build with `threads` XNNPACK threads. The pool's
 * workers are unref'd so an idle pool never keeps the process alive.
 */
export async function createThreadedWasmBackend(threads: number): Promise<{ backend: KernelBackend; threads: number }> {
  const n = Math.max(1, Math.min(MAX_WASM_THREADS, Math.floor(threads)));
  const dir = wasmOutDir();
  const pkg = require(PACKAGE) as WasmPackage;
  const factory = require(path.join(dir, GLUE)) as (config: object) => Promise<ThreadedModule>;
  const workerFile = writeWorkerScript(dir);
  const module = await withReportedCores(n, () =>
    factory({
      locateFile: (file: string) => (file.endsWith('.worker.js') ? workerFile : path.join(dir, file)),
      mainScriptUrlOrBlob: path.join(dir, GLUE),
    }),
  );
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
  pkg.setThreadsCount(n);
  const backend = new pkg.BackendWasm(module);
  const pool = module.PThread;
  if (pool) for (const worker of [...pool.unusedWorkers, ...pool.runningWorkers]) worker.unref();
  return { backend, threads: pkg.getThreadsCount() };
}
