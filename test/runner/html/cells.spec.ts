import { strict as assert } from 'node:assert';
import type { Cell } from '../../../lib/runner/document/nbformat';
import { cellDurationSeconds, CellOptions, renderCell } from '../../../lib/runner/html/cells';
import { OutputContext } from '../../../lib/runner/html/outputs';
import { HeadingSlugger } from '../../../lib/runner/html/toc';
import { codeCell, markdownCell } from '../../fixtures/html/sample-notebook';

const OPTIONS: CellOptions = { noInput: false, showPrompts: true, language: 'typescript' };

function render(cell: Cell, options: Partial<CellOptions> = {}, index = 0): string {
  const ctx: OutputContext = { markdown: { slugger: new HeadingSlugger(), headings: [] }, usesPlotly: false, plotCount: 0 };
  return renderCell(cell, index, { ...OPTIONS, ...options }, ctx);
}

const stdout = (text: string) => ({ output_type: 'stream' as const, name: 'stdout' as const, text });

describe('runner/html/cells', () => {
  it('renders a code cell with prompt, highlighted input and outputs', () => {
    const html = render(codeCell('let n = 1;', [stdout('one\n')], 7), {}, 4);
    assert.ok(html.startsWith('<section class="cell code-cell" id="cell-5" data-execution-count="7">'));
    assert.ok(html.includes('<div class="prompt">In&nbsp;[7]:</div>'));
    assert.ok(html.includes('<span class="hljs-keyword">let</span> n = <span class="hljs-number">1</span>;'));
    assert.ok(html.includes('<pre>one\n</pre>'));
  });

  it('leaves prompts out on request', () => {
    const html = render(codeCell('x', [{ output_type: 'execute_result', execution_count: 1, data: { 'text/plain': '1' }, metadata: {} }], 1), { showPrompts: false });
    assert.ok(!html.includes('class="prompt"'));
  });

  it('hides input with noInput and drops a cell that would be empty', () => {
    assert.equal(render(codeCell('const hidden = 1;', [], 1), { noInput: true }), '');
    const html = render(codeCell('const hidden = 1;', [stdout('shown\n')], 1), { noInput: true });
    assert.ok(!html.includes('hidden') && html.includes('shown') && !html.includes('class="prompt"'));
  });

  it('honours remove-cell, remove-input / hide-input and remove-output tags', () => {
    assert.equal(render(codeCell('GONE', [stdout('GONE')], 1, { metadata: { tags: ['remove-cell'] } })), '');
    assert.equal(render(markdownCell('GONE', { metadata: { tags: ['remove-cell'] } })), '');
    const noInput = render(codeCell('INPUT', [stdout('KEPT')], 1, { metadata: { tags: ['hide-input'] } }));
    assert.ok(!noInput.includes('INPUT') && noInput.includes('KEPT'));
    const noOutput = render(codeCell('KEPT', [stdout('OUTPUT')], 1, { metadata: { tags: ['remove-output'] } }));
    assert.ok(noOutput.includes('KEPT') && !noOutput.includes('OUTPUT'));
  });

  it('renders raw cells: HTML as is, untyped as text, other formats left out', () => {
    assert.ok(render({ cell_type: 'raw', metadata: { raw_mimetype: 'text/html' }, source: '<p class="r">hi</p>' }).includes('<p class="r">hi</p>'));
    assert.ok(render({ cell_type: 'raw', metadata: {}, source: 'plain <raw>' }).includes('<pre>plain &lt;raw&gt;</pre>'));
    assert.equal(render({ cell_type: 'raw', metadata: { raw_mimetype: 'text/restructuredtext' }, source: 'RST' }), '');
  });

  it("shows the runner's status and duration next to the prompt", () => {
    assert.ok(render(codeCell('a', [], 1, { metadata: { digit_lab: { status: 'ok', duration: 0.25 } } })).includes('In&nbsp;[1]:<span class="duration">250 ms</span></div>'));
    assert.ok(render(codeCell('b', [], 2, { metadata: { digit_lab: { status: 'timeout', duration: 75 } } })).includes('<span class="duration">1 min 15 s</span><span class="cell-status status-timeout">timed out</span>'));
    assert.ok(render(codeCell('c', [], null, { metadata: { digit_lab: { status: 'not-run' } } })).includes('In&nbsp;[ ]:<span class="cell-status status-not-run">not run</span>'));
  });

  it('marks a cell with an error output as failed', () => {
    const html = render(codeCell('x', [{ output_type: 'error', ename: 'E', evalue: 'v', traceback: [] }], 1));
    assert.ok(html.startsWith('<section class="cell code-cell cell-failed"'));
  });

  it("takes a cell's duration from the runner, else from nbclient timestamps", () => {
    assert.equal(cellDurationSeconds(codeCell('', [], 1, { metadata: { digit_lab: { duration: 3 }, execution: { 'iopub.execute_input': '2026-01-01T00:00:00Z', 'shell.execute_reply': '2026-01-01T00:00:09Z' } } })), 3);
    assert.equal(cellDurationSeconds(codeCell('', [], 1, { metadata: { execution: { 'iopub.execute_input': '2026-01-01T00:00:00.000Z', 'shell.execute_reply': '2026-01-01T00:00:02.500Z' } } })), 2.5);
    assert.equal(cellDurationSeconds(codeCell('', [], 1)), null);
  });
});
