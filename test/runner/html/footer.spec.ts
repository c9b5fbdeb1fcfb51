import { strict as assert } from 'node:assert';
import { humanizeKey, notebookRunSummary, renderFooter, renderTable } from '../../../lib/runner/html/footer';
import { notebook } from '../../fixtures/html/sample-notebook';

describe('runner/html/footer', () => {
  it('turns metadata keys into labels', () => {
    assert.equal(humanizeKey('start_time'), 'Start time');
    assert.equal(humanizeKey('durationSeconds'), 'Duration Seconds');
    assert.equal(humanizeKey('runner-node'), 'Runner node');
  });

  it('renders any record as a table: escaped text, lists, durations, nested tables, JSON when deep', () => {
    const html = renderTable({
      note: '<b>x</b>',
      tags: ['a', 'b'],
      duration: 125.4,
      count: 3,
      none: null,
      empty: {},
      kernel: { name: 'tslab' },
      deep: { a: { b: { c: { d: 1 } } } },
    });
    assert.ok(html.includes('<th scope="row">Note</th><td>&lt;b&gt;x&lt;/b&gt;</td>'));
    assert.ok(html.includes('<td>a, b</td>'));
    assert.ok(html.includes('<th scope="row">Duration</th><td>2 min 5 s</td>'));
    assert.ok(html.includes('<th scope="row">Count</th><td>3</td>'));
    assert.ok(html.includes('<th scope="row">Empty</th><td><span class="none">none</span></td>'));
    assert.ok(html.includes('<th scope="row">Kernel</th><td><table><tr><th scope="row">Name</th><td>tslab</td></tr></table></td>'));
    assert.ok(html.includes('<code>{&quot;d&quot;:1}</code>'));
  });

  it('merges kernel facts, the run summary and the options into one table, options winning', () => {
    const nb = notebook([], {
      kernelspec: { name: 'tslab', display_name: 'TypeScript' },
      digit_lab: { run: { status: 'ok', backend: 'wasm' } },
    });
    assert.deepEqual(notebookRunSummary(nb), { status: 'ok', backend: 'wasm' });
    const html = renderFooter(nb, { backend: 'cpu' }, 'made here');
    assert.equal((html.match(/<table>/g) ?? []).length, 1);
    assert.ok(html.includes('<td>TypeScript (tslab)</td>'));
    assert.ok(html.includes('<th scope="row">Backend</th><td>cpu</td>'));
    assert.ok(!html.includes('wasm'));
    assert.ok(html.includes('<p class="made-with">made here</p>'));
  });

  it('has only the made-with line when there is nothing to report', () => {
    assert.equal(renderFooter(notebook([]), undefined, 'm'), '<footer class="run-info"><p class="made-with">m</p></footer>');
  });
});
