import { strict as assert } from 'assert';
import { benchRunnerOverhead } from '../../lib/bench/runner-overhead';

describe('runner/bench (runner overhead benchmark) @slow', function () {
  this.timeout(60000);
  it('runs N cells on the real kernel and reports per-cell time from kernel timestamps', async () => {
    const r = await benchRunnerOverhead({ cells: 5, jupyter: false });
    assert.equal(r.bench, 'runner-overhead');
    assert.equal(r.cells, 5);
    assert.equal(r.nbconvert, null);
    assert.ok(r.ours.cells_s > 0 && r.ours.cells_s <= r.ours.total_s, JSON.stringify(r));
    assert.ok(Math.abs(r.ours.per_cell_ms - (r.ours.cells_s * 1000) / 5) < 0.3, JSON.stringify(r));
  });
});
