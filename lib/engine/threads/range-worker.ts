/**
 * Entry of a JS pool worker thread (started by js-pool.ts, never imported): runs its share of each
 * job it is posted, loading the job's task table from its module file the first time it is named.
 */
import { parentPort, workerData } from 'worker_threads';
import { claimChunks, JobMessage, READY, SEEN, WorkerSetup } from './pool-protocol';
import type { RangeTask, RangeTaskTable } from './range-task';

const setup = workerData as WorkerSetup;
const ctrl = new Int32Array(setup.ctrl);
const tables = new Map<string, RangeTaskTable>();
let heap: ArrayBufferLike = new ArrayBuffer(0);

function loadTable(file: string): RangeTaskTable {
  let table = tables.get(file);
  if (!table) {
    table = (require(file) as { rangeTasks?: RangeTaskTable }).rangeTasks;
    if (!table) throw new Error(`${file} exports no rangeTasks`);
    tables.set(file, table);
  }
  return table;
}

/** The job's task; one that cannot be loaded throws when run, so it fails like a task that throws. */
function taskFor(job: JobMessage): RangeTask<unknown> {
  try {
    const task = loadTable(job.file)[job.task];
    if (!task) throw new Error(`unknown range task ${job.task}`);
    return task as RangeTask<unknown>;
  } catch (err) {
    return () => {
      throw err;
    };
  }
}

function reportError(err: unknown): void {
  setup.port.postMessage(err instanceof Error && err.stack ? err.stack : String(err));
}

function runJob(job: JobMessage): void {
  if (job.heap) heap = job.heap;
  claimChunks(ctrl, job, taskFor(job), heap, setup.thread, reportError);
  Atomics.store(ctrl, SEEN + setup.thread - 1, job.job);
  Atomics.notify(ctrl, SEEN + setup.thread - 1);
}

if (!parentPort) throw new Error('range-worker runs only as a worker thread of the JS pool');
parentPort.on('message', runJob);
Atomics.store(ctrl, READY + setup.thread - 1, 1);
Atomics.notify(ctrl, READY + setup.thread - 1);
