/**
 * Runs our typed-array kernel loops on several threads at once. With the threaded wasm build the
 * whole wasm heap is a SharedArrayBuffer, so a worker can read inputs and write outputs in place;
 * the calling thread works too and then blocks (Atomics.wait) until the job is done, so a kernel
 * stays synchronous, as tfjs requires. A job is cut into chunks that threads claim one at a time
 * from a shared counter: on a busy machine a worker that is not scheduled in time simply takes
 * fewer chunks (the caller takes the rest) instead of stalling the job. Task functions are
 * self-contained (no imports, no closures): workers get them as source text
 * (`Function.prototype.toString`), which works the same from compiled JS and under tsx. Without
 * shared memory everything runs on the caller.
 */
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'worker_threads';

/** A range task: processes items [begin, end) of a job; `thread` is 0 on the caller, k on worker k. */
export type RangeTask = (heap: ArrayBufferLike, args: any, begin: number, end: number, thread: number) => void; // eslint-disable-line @typescript-eslint/no-explicit-any

interface PoolWorker {
  worker: Worker;
  port: MessagePort;
  heap?: ArrayBufferLike;
}

const tasks = new Map<string, RangeTask>();
const helpers: Function[] = []; // eslint-disable-line @typescript-eslint/ban-types

/** Declares a task (and the helper functions it calls by name) before the pool starts. */
export function defineRangeTask(name: string, task: RangeTask, uses: Function[] = []): void { // eslint-disable-line @typescript-eslint/ban-types
  tasks.set(name, task);
  for (const fn of uses) if (!helpers.includes(fn)) helpers.push(fn);
  // Workers carry the task sources they were started with: restart them on the next run.
  pool?.terminate();
  pool = undefined;
}

/**
 * Shared control block (Int32): [SEEN + k] = last job worker k finished with; per job slot s (a
 * ring, so a worker that wakes late for an old job finds it fully claimed and does nothing):
 * [slot(s) + NEXT] chunk claim counter, [slot(s) + DONE] chunks finished, [slot(s) + FAILED].
 */
const SEEN = 0;
const MAX_WORKERS = 16;
const SLOTS = 256;
const NEXT = 0;
const DONE = 1;
const FAILED = 2;
const slotBase = (job: number) => MAX_WORKERS + (job % SLOTS) * 4;

/**
 * Claims and runs chunks of a job until none are left. The same code runs in the workers (as
 * source text, so the slot offsets NEXT = 0, DONE = 1, FAILED = 2 are written as literals).
 */
function claimChunks(
  ctrl: Int32Array, base: number, task: RangeTask, heap: ArrayBufferLike, args: unknown, total: number, chunks: number, thread: number,
  onError: (err: unknown) => void,
): void {
  for (;;) {
    const k = Atomics.add(ctrl, base + 0, 1);
    if (k >= chunks) return;
    try {
      task(heap, args, Math.round((total * k) / chunks), Math.round((total * (k + 1)) / chunks), thread);
    } catch (err) {
      Atomics.store(ctrl, base + 2, 1);
      onError(err);
    }
    Atomics.add(ctrl, base + 1, 1);
    Atomics.notify(ctrl, base + 1);
  }
}

function workerSource(): string {
  const defs = [...helpers.map((f) => f.toString()), ...[...tasks].map(([name, f]) => `TASKS[${JSON.stringify(name)}] = ${f.toString()};`)];
  return `'use strict';
const { parentPort, workerData } = require('worker_threads');
const TASKS = {};
${defs.join('\n')}
${claimChunks.toString()}
const ctrl = new Int32Array(workerData.ctrl);
const port = workerData.port;
const thread = workerData.thread;
let heap;
parentPort.on('message', (m) => {
  if (m.heap) heap = m.heap;
  claimChunks(ctrl, m.base, TASKS[m.task], heap, m.args, m.total, m.chunks, thread,
    (e) => port.postMessage(String((e && e.stack) || e)));
  Atomics.store(ctrl, ${SEEN} + thread - 1, m.job);
  Atomics.notify(ctrl, ${SEEN} + thread - 1);
});`;
}

class JsThreadPool {
  private readonly workers: PoolWorker[] = [];
  private readonly ctrl: Int32Array;
  private job = 0;

  constructor(extraThreads: number) {
    const n = Math.min(extraThreads, MAX_WORKERS);
    this.ctrl = new Int32Array(new SharedArrayBuffer(4 * (MAX_WORKERS + SLOTS * 4)));
    const source = workerSource();
    for (let i = 0; i < n; i++) {
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(source, { eval: true, workerData: { ctrl: this.ctrl.buffer, port: port2, thread: i + 1 }, transferList: [port2] });
      worker.unref();
      port1.unref();
      this.workers.push({ worker, port: port1 });
    }
  }

  get size(): number {
    return this.workers.length + 1;
  }

  run(name: string, total: number, args: unknown, heap: ArrayBufferLike, minPerPart: number): void {
    const task = tasks.get(name);
    if (!task) throw new Error(`unknown range task ${name}`);
    const shared = typeof SharedArrayBuffer !== 'undefined' && heap instanceof SharedArrayBuffer;
    // A few chunks per thread: small enough to rebalance, big enough to keep claims cheap.
    const chunks = shared ? Math.max(1, Math.min(4 * this.size, Math.floor(total / Math.max(1, minPerPart)))) : 1;
    if (chunks === 1) {
      task(heap, args, 0, total, 0);
      return;
    }
    const job = ++this.job;
    // A slot is reused SLOTS jobs later; make sure no worker is still that far behind.
    this.workers.forEach((_, k) => {
      for (let seen = Atomics.load(this.ctrl, SEEN + k); seen < job - SLOTS + 1 && seen !== 0; seen = Atomics.load(this.ctrl, SEEN + k)) {
        Atomics.wait(this.ctrl, SEEN + k, seen, 50);
      }
    });
    const base = slotBase(job);
    Atomics.store(this.ctrl, base + NEXT, 0);
    Atomics.store(this.ctrl, base + DONE, 0);
    Atomics.store(this.ctrl, base + FAILED, 0);
    for (const w of this.workers) {
      w.worker.postMessage({ task: name, args, total, chunks, base, job, heap: w.heap === heap ? undefined : heap });
      w.heap = heap;
    }
    let localError: unknown;
    claimChunks(this.ctrl, base, task, heap, args, total, chunks, 0, (err) => { localError ??= err; });
    for (let done = Atomics.load(this.ctrl, base + DONE); done < chunks; done = Atomics.load(this.ctrl, base + DONE)) {
      Atomics.wait(this.ctrl, base + DONE, done, 50);
    }
    if (localError) throw localError;
    if (Atomics.load(this.ctrl, base + FAILED)) {
      const message = this.workers.map((w) => receiveMessageOnPort(w.port)?.message).find((m) => m !== undefined);
      throw new Error(`${name} failed in a worker thread: ${String(message ?? 'unknown error')}`);
    }
  }

  terminate(): void {
    for (const w of this.workers) void w.worker.terminate();
  }
}

let pool: JsThreadPool | undefined;
let wantedThreads = 1;

/** Sets how many threads (caller included) range tasks may use; takes effect on the next run. */
export function setJsPoolThreads(threads: number): void {
  const n = Math.max(1, Math.floor(threads));
  if (n === wantedThreads) return;
  wantedThreads = n;
  pool?.terminate();
  pool = undefined;
}

/** Threads range tasks use now (caller included). */
export function jsPoolThreads(): number {
  return wantedThreads;
}

/**
 * Runs task `name` over items [0, total): in chunks of at least `minPerPart` items shared by the
 * pool's threads when `heap` is shared memory, else all on the caller. Returns when all are done.
 */
export function runRangeTask(name: string, total: number, args: unknown, heap: ArrayBufferLike, minPerPart = 1): void {
  if (wantedThreads <= 1) {
    const task = tasks.get(name);
    if (!task) throw new Error(`unknown range task ${name}`);
    task(heap, args, 0, total, 0);
    return;
  }
  pool ??= new JsThreadPool(wantedThreads - 1);
  pool.run(name, total, args, heap, minPerPart);
}
