/**
 * What the JS thread pool and its workers share: the layout of the control block (Int32 on shared
 * memory), the messages, and the chunk-claiming loop that the caller and the workers both run.
 *
 * Control block: [SEEN + k] = last job worker k finished with; [READY + k] = 1 once worker k
 * listens for jobs; per job slot s (a ring, so a worker that wakes late for an old job finds it
 * fully claimed and does nothing): [slot(s) + NEXT] chunk claim counter, [slot(s) + DONE] chunks
 * finished, [slot(s) + FAILED].
 */
import type { MessagePort } from 'worker_threads';
import type { RangeTask } from './range-task';

export const MAX_WORKERS = 16;
export const SLOTS = 256;
export const SEEN = 0;
export const READY = MAX_WORKERS;
export const NEXT = 0;
export const DONE = 1;
export const FAILED = 2;
const FIRST_SLOT = 2 * MAX_WORKERS;
const SLOT_INTS = 4;

/** Length of the control block, in Int32 elements. */
export const CONTROL_INTS = FIRST_SLOT + SLOTS * SLOT_INTS;

/** Where job `job`'s slot starts in the control block. */
export function slotBase(job: number): number {
  return FIRST_SLOT + (job % SLOTS) * SLOT_INTS;
}

/** The `workerData` of a pool worker; `thread` counts from 1 (0 is the caller). */
export interface WorkerSetup {
  ctrl: SharedArrayBuffer;
  /** Where the worker reports a task's error (read back on the caller with receiveMessageOnPort). */
  port: MessagePort;
  thread: number;
}

/** One job as posted to the workers; `heap` only when it differs from that worker's last job. */
export interface JobMessage {
  /** The module that exports the task table (RangeTaskModule.file). */
  file: string;
  task: string;
  args: unknown;
  total: number;
  chunks: number;
  /** The job's slot in the control block. */
  base: number;
  job: number;
  heap?: ArrayBufferLike;
}

/**
 * Claims and runs chunks of a job until none are left. A failing chunk still counts as done (so
 * the caller does not wait forever); it raises the slot's FAILED flag and goes to `onError`.
 */
export function claimChunks(
  ctrl: Int32Array, job: JobMessage, task: RangeTask<unknown>, heap: ArrayBufferLike, thread: number, onError: (err: unknown) => void,
): void {
  const { base, total, chunks, args } = job;
  for (;;) {
    const k = Atomics.add(ctrl, base + NEXT, 1);
    if (k >= chunks) return;
    try {
      task(heap, args, Math.round((total * k) / chunks), Math.round((total * (k + 1)) / chunks), thread);
    } catch (err) {
      Atomics.store(ctrl, base + FAILED, 1);
      onError(err);
    }
    Atomics.add(ctrl, base + DONE, 1);
    Atomics.notify(ctrl, base + DONE);
  }
}
