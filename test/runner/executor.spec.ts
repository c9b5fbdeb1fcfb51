import { strict as assert } from 'assert';
import { CellExecutionError, CellTimeoutError, DeadKernelError, KernelStartupError } from '../../lib/runner/document/errors';
import { executeNotebook, RunnerEvent } from '../../lib/runner/executor';
import { CodeCell, Notebook } from '../../lib/runner/document/nbformat';
import { Script, ScriptedKernel, scriptedStarter, steps } from './helpers/scripted-kernel';

const code = (source: string, tags?: string[]): CodeCell => ({ cell_type: 'code', source, metadata: tags ? { tags } : {}, execution_count: null, outputs: [] });
const notebook = (...cells: Notebook['cells']): Notebook => ({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells });

/** Echoes the code on stdout; code starting with "fail" errors like tslab (stderr + bare error reply). */
const echo: Script = (src, k) =>
  src.startsWith('fail')
    ? steps.cell(k.executionCount, [steps.stderr(`1:1 - ${src}\n`)], 'error')
    : steps.cell(k.executionCount, [steps.stdout(`${src}\n`)]);

const run = (nb: Notebook, script: Script, options: Parameters<typeof executeNotebook>[1] = {}) => {
  let kernel!: ScriptedKernel;
  const promise = executeNotebook(nb, { kernel: 'tslab', kernelspecDirs: [], startKernel: scriptedStarter(script, (k) => (kernel = k)), ...options });
  return promise.then((result) => ({ result, kernel }));
};

describe('runner/executor (scripted kernel)', () => {
  it('runs code cells in order, recording outputs, counts, timing and status', async () => {
    const nb = notebook(code('a'), { cell_type: 'markdown', source: '# t', metadata: {} }, code('b'));
    const { result } = await run(nb, echo);
    assert.equal(result.ok, true);
    const cells = result.notebook.cells as CodeCell[];
    assert.deepEqual(cells[0].outputs, [{ output_type: 'stream', name: 'stdout', text: ['a\n'] }]);
    assert.equal(cells[0].execution_count, 1);
    assert.equal(cells[2].execution_count, 2);
    assert.equal((cells[2].metadata.digit_lab as any).status, 'ok');
    assert.ok((cells[2].metadata.execution as any)['shell.execute_reply']);
    const summary = (result.notebook.metadata.digit_lab as any).run;
    assert.equal(summary.status, 'ok');
    assert.equal(summary.kernel.name, 'tslab');
    assert.deepEqual(nb.cells[0], code('a'), 'the input notebook is not modified');
  });

  it('stops at the first error by default: error output, typed error, later cells not run', async () => {
    const nb = notebook(code('a'), code('fail here'), code('c'));
    const { result, kernel } = await run(nb, echo);
    assert.equal(result.ok, false);
    assert.ok(result.error instanceof CellExecutionError);
    assert.equal(result.error!.reason, 'cell 2: 1:1 - fail here');
    assert.equal((result.error as CellExecutionError).cell.cellIndex, 1);
    const cells = result.notebook.cells as CodeCell[];
    assert.deepEqual(cells[1].outputs, [{ output_type: 'error', ename: 'TSError', evalue: '1:1 - fail here', traceback: ['1:1 - fail here'] }]);
    assert.deepEqual(cells[2].outputs, []);
    assert.equal((cells[2].metadata.digit_lab as any).status, 'not-run');
    assert.equal(kernel.sent.filter((s) => s.msg.header.msg_type === 'execute_request').length, 2);
    assert.equal((result.notebook.metadata.digit_lab as any).run.reason, 'cell 2: 1:1 - fail here');
  });

  it('with allowErrors runs every cell and reports every failure; raises-exception cells do not count', async () => {
    const nb = notebook(code('fail one'), code('b'), code('fail expected', ['raises-exception']), code('fail two'));
    const { result } = await run(nb, echo, { allowErrors: true });
    assert.deepEqual(result.errors.map((e) => e.reason), ['cell 1: 1:1 - fail one', 'cell 4: 1:1 - fail two']);
    assert.deepEqual((result.notebook.cells[1] as CodeCell).outputs, [{ output_type: 'stream', name: 'stdout', text: ['b\n'] }]);
  });

  it('skips cells tagged skip-execution and empty cells, keeping their outputs', async () => {
    const kept = { output_type: 'stream' as const, name: 'stdout' as const, text: ['old\n'] };
    const nb = notebook({ ...code('fail never', ['skip-execution']), outputs: [kept] }, code('  \n'), code('b'));
    const { result, kernel } = await run(nb, echo);
    assert.equal(result.ok, true);
    assert.deepEqual((result.notebook.cells[0] as CodeCell).outputs, [kept]);
    assert.equal((result.notebook.cells[0].metadata.digit_lab as any).status, 'skipped');
    assert.deepEqual(
      kernel.sent.filter((s) => s.msg.header.msg_type === 'execute_request').map((s) => (s.msg.content as any).code),
      ['b'],
    );
  });

  it("retries a request tslab aborted (it aborts requests for 200 ms after an error)", async () => {
    let aborts = 1;
    const script: Script = (src, k) => (src === 'b' && aborts-- > 0 ? steps.cell(0, [], 'abort') : echo(src, k));
    const { result } = await run(notebook(code('b')), script);
    assert.equal(result.ok, true);
    assert.deepEqual((result.notebook.cells[0] as CodeCell).outputs, [{ output_type: 'stream', name: 'stdout', text: ['b\n'] }]);
  });

  it('a cell timeout interrupts, records a CellTimeoutError output, and with allowErrors goes on', async () => {
    let kernel!: ScriptedKernel;
    const script: Script = (src, k) => {
      kernel = k;
      if (src !== 'loop') return echo(src, k);
      k.interruptResponse = [steps.stderr('Error: Script execution was interrupted by `SIGINT`\n'), steps.error(k.executionCount), steps.idle()];
      return [steps.busy(), { hang: true }];
    };
    const nb = notebook(code('loop'), code('after'));
    const { result } = await run(nb, script, { timeout: 0.05, allowErrors: true });
    assert.ok(result.error instanceof CellTimeoutError);
    assert.equal(result.error!.reason, 'cell 1: cell timed out after 0.05 s');
    const out = (result.notebook.cells[0] as CodeCell).outputs;
    assert.equal(out.length, 1);
    assert.equal((out[0] as any).ename, 'CellTimeoutError');
    assert.deepEqual((out[0] as any).traceback, ['Error: Script execution was interrupted by `SIGINT`']);
    assert.deepEqual(kernel.signals, ['SIGINT']);
    assert.deepEqual((result.notebook.cells[1] as CodeCell).outputs, [{ output_type: 'stream', name: 'stdout', text: ['after\n'] }]);
  });

  it('the whole-run timeout stops the run even with allowErrors, and an unanswered interrupt kills the kernel', async () => {
    const script: Script = (src, k) => (src === 'slow' ? [steps.busy(), { hang: true }] : echo(src, k));
    const nb = notebook(code('a'), code('slow'), code('c'));
    const { result, kernel } = await run(nb, script, { runTimeout: 0.1, interruptGrace: 0.05, allowErrors: true });
    assert.ok(result.error instanceof CellTimeoutError);
    assert.equal((result.error as CellTimeoutError).scope, 'run');
    assert.equal(kernel.killed, true);
    assert.equal((result.notebook.cells[2].metadata.digit_lab as any).status, 'not-run');
  });

  it('a kernel that dies mid-run gives a DeadKernelError and stops', async () => {
    const script: Script = (src, k) => (src === 'exit' ? [steps.busy(), steps.stdout('bye\n'), { exit: 'exit code 3' }] : echo(src, k));
    const { result } = await run(notebook(code('exit'), code('c')), script, { allowErrors: true });
    assert.ok(result.error instanceof DeadKernelError);
    assert.equal(result.error!.reason, 'cell 1: kernel died (exit code 3)');
    const out = (result.notebook.cells[0] as CodeCell).outputs;
    assert.deepEqual(out[0], { output_type: 'stream', name: 'stdout', text: ['bye\n'] });
    assert.equal((out[1] as any).ename, 'DeadKernelError');
    assert.equal((result.notebook.cells[1].metadata.digit_lab as any).status, 'not-run');
  });

  it('injects parameters after the parameters cell and records them', async () => {
    const nb = notebook(code('let epochs: number = 1;', ['parameters']), code('b'));
    const { result, kernel } = await run(nb, echo, { parameters: { epochs: 3, name: 'x' } });
    const sources = kernel.sent.filter((s) => s.msg.header.msg_type === 'execute_request').map((s) => (s.msg.content as any).code);
    assert.equal(sources[1], '// Parameters injected by nbconvert-ts-runner\nepochs = 3;\nconst name = "x";');
    assert.deepEqual(result.notebook.cells[1].metadata.tags, ['injected-parameters']);
    assert.deepEqual((result.notebook.metadata.digit_lab as any).run.parameters, { epochs: 3, name: 'x' });
    assert.deepEqual((result.notebook.metadata.papermill as any).parameters, { epochs: 3, name: 'x' });
  });

  it('emits progress events in order', async () => {
    const events: string[] = [];
    await run(notebook(code('a'), code('b')), echo, { onEvent: (e: RunnerEvent) => events.push(e.type === 'cell-start' ? `start ${e.ordinal}/${e.total}` : e.type) });
    assert.deepEqual(events, ['kernel-starting', 'start', 'start 1/2', 'output', 'cell-end', 'start 2/2', 'output', 'cell-end', 'end']);
  });

  it('names an unknown kernel in a KernelStartupError', async () => {
    await assert.rejects(executeNotebook(notebook(code('a')), { kernel: 'no-such-kernel', kernelspecDirs: ['/nonexistent'] }), (e: Error) => e instanceof KernelStartupError && /no kernel named "no-such-kernel"/.test(e.message));
  });
});
