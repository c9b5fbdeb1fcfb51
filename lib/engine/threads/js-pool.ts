/**
 * Runs our typed-array kernel loops (range tasks, see range-task.ts) on several threads at once.
 * With the threaded wasm build the whole wasm heap is a SharedArrayBuffer, so a worker can read
 * inputs and write outputs in place; the calling thread works too and then blocks (Atomics.wait)
 * until the job is done, so a kernel stays synchronous, as tfjs requires. A job is cut into chunks
 * that threads claim one at a time from a shared counter: on a busy machine a worker that is not
 * scheduled in time simply takes fewer chunks (the caller takes the rest) instead of stalling the
 * job. Workers run range-worker.ts, which requires each task table from its module file, so all
 * threads run the same compiled code. Without shared memory everything runs on the caller.
 */
import * as path from 'path';
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'worker_threads';
import {
  claimChunks, CONTROL_INTS, DONE, FAILED, JobMessage, MAX_WORKERS, NEXT, READY, SEEN, SLOTS, slotBase, WorkerSetup,
} from './pool-protocol';
import type { RangeTask, RangeTaskArgs, RangeTaskId, RangeTaskModule, RangeTaskTable } from './range-task';

/**
 * How long the first job waits for the workers to start. They load modules first (about 100 ms
 * under tsx, far less when built); without the wait the first jobs would run on the caller alone.
 */
const STARTUP_WAIT_MS = 2000;

interface PoolWorker {
  worker: Worker;
  port: MessagePort;
  heap?: ArrayBufferLike;
}

/** The worker entry beside this file, in this file's form: .ts under tsx, .js in the build. */
function workerEntry(): string {
  return path.join(__dirname, `range-worker${path.extname(__filename)}`);
}

/** A .ts entry needs tsx in the worker as well: a loader given to mocha (--require) is not inherited. */
function workerExecArgv(entry: string): string[] | undefined {
  return entry.endsWith('.ts') ? [...process.execArgv, '--require', require.resolve('tsx/cjs')] : undefined;
}

function warnWorkerFailed(thread: number, err: Error): void {
  process.emitWarning(`JS pool worker ${thread} stopped (${err.message}); the other threads take its share`);
}

/** Starts worker `thread` (from 1); it never keeps the process alive on its own. */
function startWorker(entry: string, ctrl: Int32Array, thread: number): PoolWorker {
  const { port1, port2 } = new MessageChannel();
  const workerData: WorkerSetup = { ctrl: ctrl.buffer as SharedArrayBuffer, port: port2, thread };
  const worker = new Worker(entry, { execArgv: workerExecArgv(entry), workerData, transferList: [port2] });
  // Without a listener a worker that fails to load would crash the process; the job goes on without it.
  worker.on('error', (err) => warnWorkerFailed(thread, err));
  worker.unref();
  port1.unref();
  return { worker, port: port1 };
}

/** The task `id` of `tasks`; checked at run time too, for callers without the types. */
function taskOf(tasks: RangeTaskModule<RangeTaskTable>, id: string): RangeTask<unknown> {
  if (!Object.hasOwn(tasks.rangeTasks, id)) throw new Error(`unknown range task ${id}`);
  return tasks.rangeTasks[id] as RangeTask<unknown>;
}

function isShared(heap: ArrayBufferLike): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && heap instanceof SharedArrayBuffer;
}

/** A few chunks per thread: small enough to rebalance, big enough to keep claims cheap. */
function chunkCount(total: number, minPerPart: number, threads: number): number {
  return Math.max(1, Math.min(4 * threads, Math.floor(total / Math.max(1, minPerPart))));
}

class JsThreadPool {
  private readonly ctrl = new Int32Array(new SharedArrayBuffer(4 * CONTROL_INTS));
  private readonly workers: PoolWorker[];
  private job = 0;
  private started = false;

  constructor(extraThreads: number) {
    const entry = workerEntry();
    const n = Math.min(extraThreads, MAX_WORKERS);
    this.workers = Array.from({ length: n }, (_, i) => startWorker(entry, this.ctrl, i + 1));
  }

  get size(): number {
    return this.workers.length + 1;
  }

  /** One job, shared when `heap` is shared memory and the job is big enough (see runRangeTask). */
  run(tasks: RangeTaskModule<RangeTaskTable>, id: string, total: number, args: unknown, heap: ArrayBufferLike, minPerPart: number): void {
    const task = taskOf(tasks, id);
    const chunks = isShared(heap) ? chunkCount(total, minPerPart, this.size) : 1;
    if (chunks === 1) {
      task(heap, args, 0, total, 0);
      return;
    }
    this.awaitStartup();
    const job: JobMessage = { file: tasks.file, task: id, args, total, chunks, ...this.openSlot() };
    this.post(job, heap);
    let localError: unknown;
    claimChunks(this.ctrl, job, task, heap, 0, (err) => { localError ??= err; });
    this.awaitChunks(job);
    if (localError) throw localError;
    this.throwWorkerFailure(job);
  }

  terminate(): void {
    for (const w of this.workers) void w.worker.terminate();
  }

  /** Once, bounded by STARTUP_WAIT_MS: waits until every worker listens for jobs. */
  private awaitStartup(): void {
    if (this.started) return;
    this.started = true;
    const deadline = Date.now() + STARTUP_WAIT_MS;
    this.workers.forEach((_, k) => {
      for (let left = deadline - Date.now(); left > 0 && Atomics.load(this.ctrl, READY + k) === 0; left = deadline - Date.now()) {
        Atomics.wait(this.ctrl, READY + k, 0, left);
      }
    });
  }

  /** Numbers a new job and clears its slot, once no worker is still on the slot's previous job. */
  private openSlot(): { job: number; base: number } {
    const job = ++this.job;
    this.workers.forEach((_, k) => {
      for (let seen = Atomics.load(this.ctrl, SEEN + k); seen < job - SLOTS + 1 && seen !== 0; seen = Atomics.load(this.ctrl, SEEN + k)) {
        Atomics.wait(this.ctrl, SEEN + k, seen, 50);
      }
    });
    const base = slotBase(job);
    Atomics.store(this.ctrl, base + NEXT, 0);
    Atomics.store(this.ctrl, base + DONE, 0);
    Atomics.store(this.ctrl, base + FAILED, 0);
    return { job, base };
  }

  /** Posts the job to every worker; the heap goes along only to workers that have another one. */
  private post(job: JobMessage, heap: ArrayBufferLike): void {
    for (const w of this.workers) {
      w.worker.postMessage({ ...job, heap: w.heap === heap ? undefined : heap });
      w.heap = heap;
    }
  }

  /** Blocks until every chunk of the job is done, by any thread. */
  private awaitChunks(job: JobMessage): void {
    const at = job.base + DONE;
    for (let done = Atomics.load(this.ctrl, at); done < job.chunks; done = Atomics.load(this.ctrl, at)) {
      Atomics.wait(this.ctrl, at, done, 50);
    }
  }

  private throwWorkerFailure(job: JobMessage): void {
    if (!Atomics.load(this.ctrl, job.base + FAILED)) return;
    const message = this.workers.map((w) => receiveMessageOnPort(w.port)?.message).find((m) => m !== undefined);
    throw new Error(`${job.task} failed in a worker thread: ${String(message ?? 'unknown error')}`);
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
 * Runs task `id` of `tasks` over items [0, total): in chunks of at least `minPerPart` items shared
 * by the pool's threads when `heap` is shared memory, else all on the caller. Returns when all are done.
 */
export function runRangeTask<T extends RangeTaskTable, K extends RangeTaskId<T>>(
  tasks: RangeTaskModule<T>, id: K, total: number, args: RangeTaskArgs<T, K>, heap: ArrayBufferLike, minPerPart = 1,
): void {
  if (wantedThreads <= 1) {
    taskOf(tasks, id)(heap, args, 0, total, 0);
    return;
  }
  pool ??= new JsThreadPool(wantedThreads - 1);
  pool.run(tasks, id, total, args, heap, minPerPart);
}
