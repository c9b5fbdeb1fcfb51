import { strict as assert } from 'assert';
import { classifyErrorLine, firstErrorLine, synthesiseErrorOutput } from '../../../lib/runner/kernel/kernel-errors';
import { Output } from '../../../lib/runner/document/nbformat';
import { lostOutputNote } from '../../../lib/runner/kernel/output-collector';

describe('runner/kernel-errors', () => {
  it('names type-check diagnostics, thrown errors and other text', () => {
    assert.deepEqual(classifyErrorLine("1:7 - Type 'string' is not assignable to type 'number'."), {
      ename: 'TSError',
      evalue: "1:7 - Type 'string' is not assignable to type 'number'.",
    });
    assert.deepEqual(classifyErrorLine('Error: boom'), { ename: 'Error', evalue: 'boom' });
    assert.deepEqual(classifyErrorLine('RangeError [ERR_X]: too big'), { ename: 'RangeError', evalue: 'too big' });
    assert.deepEqual(classifyErrorLine('something odd'), { ename: 'Error', evalue: 'something odd' });
  });

  it("reads the kernel's stderr before the runner's lost-output note, which stays last", () => {
    const note = lostOutputNote(4000);
    const outputs: Output[] = [{ output_type: 'stream', name: 'stderr', text: ['Error: boom\n'] }, note];
    const err = synthesiseErrorOutput(outputs, { status: 'error' } as any);
    assert.equal(err.evalue, 'boom');
    assert.deepEqual(outputs, [err, note]);
  });

  it("moves tslab's trailing stderr into an error output, skipping node's source excerpt", () => {
    const outputs: Output[] = [
      { output_type: 'stream', name: 'stderr', text: ['early warning\n'] },
      { output_type: 'stream', name: 'stdout', text: ['about to throw\n'] },
      { output_type: 'stream', name: 'stderr', text: ['evalmachine.<anonymous>:2\n', 'throw new Error("boom");\n', '^\n', '\n', 'Error: boom\n', '    at x:1:1\n'] },
    ];
    const err = synthesiseErrorOutput(outputs, { status: 'error' } as any);
    assert.equal(outputs.length, 3);
    assert.equal(outputs[0].output_type, 'stream', 'earlier stderr stays');
    assert.deepEqual(outputs[2], err);
    assert.equal(err.ename, 'Error');
    assert.equal(err.evalue, 'boom');
    assert.deepEqual(err.traceback, ['evalmachine.<anonymous>:2', 'throw new Error("boom");', '^', '', 'Error: boom', '    at x:1:1']);
    assert.equal(firstErrorLine(err), 'Error: boom');
  });

  it('keeps an error output the kernel sent, and prefers reply details when given', () => {
    const sent: Output[] = [{ output_type: 'error', ename: 'X', evalue: 'y', traceback: ['\u001b[31mX: y\u001b[0m'] }];
    assert.equal(synthesiseErrorOutput(sent, {}), sent[0]);
    assert.equal(firstErrorLine(sent[0] as any), 'X: y', 'ANSI colours are stripped from the one-line reason');
    const none: Output[] = [];
    const err = synthesiseErrorOutput(none, { ename: 'CellTimeoutError', evalue: 'cell timed out after 1 s' });
    assert.deepEqual(none, [{ output_type: 'error', ename: 'CellTimeoutError', evalue: 'cell timed out after 1 s', traceback: [] }]);
    assert.equal(firstErrorLine(err), 'CellTimeoutError: cell timed out after 1 s');
  });
});
