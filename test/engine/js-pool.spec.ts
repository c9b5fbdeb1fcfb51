/** The JS thread pool: shares work over shared memory, falls back without it, reports failures. */
import * as assert from 'assert';
import { defineRangeTask, jsPoolThreads, runRangeTask, setJsPoolThreads } from '../../lib/engine/threads/js-pool';

/** Marks each item with 1 + the thread that processed it, spinning `a.spinMs` per item. */
function markThreadsTask(heap: ArrayBufferLike, a: { offset: number; spinMs: number }, begin: number, end: number, thread: number): void {
  const marks = new Int32Array(heap, a.offset);
  for (let i = begin; i < end; i++) {
    const until = Date.now() + a.spinMs;
    while (Date.now() < until) { /* busy: stands for real work */ }
    if (marks[i] !== 0) marks[i] = -1; // processed twice
    else marks[i] = thread + 1;
  }
}

function failInWorkerTask(_heap: ArrayBufferLike, _a: unknown, _begin: number, _end: number, thread: number): void {
  if (thread > 0) throw new Error(`boom in thread ${thread}`);
  const until = Date.now() + 25;
  while (Date.now() < until) { /* leave the worker time to start and claim a chunk */ }
}

describe('engine: JS thread pool', function () {
  this.timeout(30_000);
  let before: number;

  beforeEach(() => {
    before = jsPoolThreads();
    defineRangeTask('test.markThreads', markThreadsTask);
    defineRangeTask('test.failInWorker', failInWorkerTask);
  });
  afterEach(() => setJsPoolThreads(before));

  it('shares a job between 2 threads on shared memory, each item done exactly once', () => {
    setJsPoolThreads(2);
    const heap = new SharedArrayBuffer(4 * 100);
    runRangeTask('test.markThreads', 100, { offset: 0, spinMs: 3 }, heap);
    const marks = Array.from(new Int32Array(heap));
    assert.ok(marks.every((m) => m === 1 || m === 2), `an item was skipped or done twice: ${marks}`);
    assert.ok(marks.includes(2), 'the worker thread did no work');
    assert.ok(marks.includes(1), 'the calling thread did no work');
  });

  it('runs many jobs in a row without mixing them up', () => {
    setJsPoolThreads(2);
    for (let job = 0; job < 300; job++) {
      const heap = new SharedArrayBuffer(4 * 16);
      runRangeTask('test.markThreads', 16, { offset: 0, spinMs: 0 }, heap);
      const marks = Array.from(new Int32Array(heap));
      assert.ok(marks.every((m) => m === 1 || m === 2), `job ${job}: ${marks}`);
    }
  });

  it('keeps small jobs and unshared memory on the calling thread', () => {
    setJsPoolThreads(2);
    const shared = new SharedArrayBuffer(4 * 10);
    runRangeTask('test.markThreads', 10, { offset: 0, spinMs: 0 }, shared, 8);
    assert.ok(Array.from(new Int32Array(shared)).every((m) => m === 1));
    const plain = new ArrayBuffer(4 * 100);
    runRangeTask('test.markThreads', 100, { offset: 0, spinMs: 0 }, plain);
    assert.ok(Array.from(new Int32Array(plain)).every((m) => m === 1));
  });

  it("reports a worker's error on the calling thread", () => {
    setJsPoolThreads(2);
    assert.throws(() => runRangeTask('test.failInWorker', 200, {}, new SharedArrayBuffer(8)), /test\.failInWorker failed in a worker thread: Error: boom in thread 1/);
    assert.throws(() => runRangeTask('no.such.task', 1, {}, new SharedArrayBuffer(8)), /unknown range task no\.such\.task/);
  });
});
