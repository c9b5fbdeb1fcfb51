import { strict as assert } from 'assert';
import { PassThrough } from 'stream';
import { cellLabel, createProgressReporter } from '../../lib/runner/run-progress';

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString()));
  return { stream, text: () => text };
}

describe('runner/progress', () => {
  it('labels a cell by its first non-empty line, shortened', () => {
    assert.equal(cellLabel('\n  const a = 1;\nmore'), 'const a = 1;');
    assert.equal(cellLabel('x'.repeat(50), 10), 'xxxxxxxxx…');
  });

  it('is quiet when not on a TTY and not logging output', () => {
    const out = capture();
    const p = createProgressReporter({ stream: out.stream });
    p.onEvent({ type: 'kernel-starting', kernel: 'tslab' });
    p.onEvent({ type: 'start', total: 1, kernel: 'tslab' });
    p.onEvent({ type: 'cell-start', cellIndex: 0, label: 'cell 1', ordinal: 1, total: 1, source: 'a' });
    p.onEvent({ type: 'output', cellIndex: 0, output: { output_type: 'stream', name: 'stdout', text: 'hi\n' } });
    p.onEvent({ type: 'end', ok: true });
    assert.equal(out.text(), '');
  });

  it('with logOutput streams each cell header (named by its label, not its index) and its outputs as text', () => {
    const out = capture();
    const p = createProgressReporter({ stream: out.stream, logOutput: true });
    p.onEvent({ type: 'start', total: 2, kernel: 'tslab' });
    // Index 2 is the input's cell 2 when the injected parameters cell comes before it.
    p.onEvent({ type: 'cell-start', cellIndex: 2, label: 'cell 2', ordinal: 1, total: 2, source: 'console.log(1)' });
    p.onEvent({ type: 'output', cellIndex: 2, output: { output_type: 'stream', name: 'stdout', text: '1\n' } });
    p.onEvent({ type: 'output', cellIndex: 2, output: { output_type: 'display_data', data: { 'image/png': 'x' }, metadata: {} } });
    p.onEvent({ type: 'output', cellIndex: 2, output: { output_type: 'error', ename: 'Error', evalue: 'boom', traceback: ['Error: boom'] } });
    p.onEvent({ type: 'cell-end', cellIndex: 2, label: 'cell 2', ordinal: 1, total: 2, status: 'error', seconds: 0.5 });
    assert.equal(out.text(), '--- cell 2 (1/2): console.log(1)\n1\n[image/png]\nError: boom\n--- cell 2: error after 0.50 s\n');
  });

  it('says which kernel it is starting, on a TTY bar or with logOutput', () => {
    const out = capture();
    const p = createProgressReporter({ stream: out.stream, logOutput: true });
    p.onEvent({ type: 'kernel-starting', kernel: 'tslab' });
    assert.equal(out.text(), 'starting kernel tslab…\n');
    const bar = capture();
    createProgressReporter({ stream: bar.stream, bar: true }).onEvent({ type: 'kernel-starting', kernel: 'tslab' });
    assert.equal(bar.text(), 'starting kernel tslab…\r');
  });
});
