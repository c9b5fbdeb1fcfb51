/** The JS thread pool: shares work over shared memory, falls back without it, reports failures. */
import * as assert from 'assert';
import { jsPoolThreads, runRangeTask, setJsPoolThreads } from '../../lib/engine/threads/js-pool';
import { poolTestTasks } from './fixtures/pool-tasks';

describe('engine: JS thread pool', function () {
  this.timeout(30_000);
  let before: number;

  beforeEach(() => {
    before = jsPoolThreads();
  });
  afterEach(() => setJsPoolThreads(before));

  it('shares a job between 2 threads on shared memory, each item done exactly once', () => {
    setJsPoolThreads(2);
    const heap = new SharedArrayBuffer(4 * 100);
    runRangeTask(poolTestTasks, 'test.markThreads', 100, { offset: 0, spinMs: 3 }, heap);
    const marks = Array.from(new Int32Array(heap));
    assert.ok(marks.every((m) => m === 1 || m === 2), `an item was skipped or done twice: ${marks}`);
    assert.ok(marks.includes(2), 'the worker thread did no work');
    assert.ok(marks.includes(1), 'the calling thread did no work');
  });

  it('runs many jobs in a row without mixing them up', () => {
    setJsPoolThreads(2);
    for (let job = 0; job < 300; job++) {
      const heap = new SharedArrayBuffer(4 * 16);
      runRangeTask(poolTestTasks, 'test.markThreads', 16, { offset: 0, spinMs: 0 }, heap);
      const marks = Array.from(new Int32Array(heap));
      assert.ok(marks.every((m) => m === 1 || m === 2), `job ${job}: ${marks}`);
    }
  });

  it('keeps small jobs and unshared memory on the calling thread', () => {
    setJsPoolThreads(2);
    const shared = new SharedArrayBuffer(4 * 10);
    runRangeTask(poolTestTasks, 'test.markThreads', 10, { offset: 0, spinMs: 0 }, shared, 8);
    assert.ok(Array.from(new Int32Array(shared)).every((m) => m === 1));
    const plain = new ArrayBuffer(4 * 100);
    runRangeTask(poolTestTasks, 'test.markThreads', 100, { offset: 0, spinMs: 0 }, plain);
    assert.ok(Array.from(new Int32Array(plain)).every((m) => m === 1));
  });

  it("reports a worker's error on the calling thread", () => {
    setJsPoolThreads(2);
    assert.throws(() => runRangeTask(poolTestTasks, 'test.failInWorker', 200, {}, new SharedArrayBuffer(8)), /test\.failInWorker failed in a worker thread: Error: boom in thread 1/);
    assert.throws(() => runRangeTask(poolTestTasks, 'no.such.task' as never, 1, {}, new SharedArrayBuffer(8)), /unknown range task no\.such\.task/);
  });
});
