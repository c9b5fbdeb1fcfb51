import { strict as assert } from 'assert';
import { CellExecutionError, CellTimeoutError, DeadKernelError, PreflightError } from '../../lib/runner/document/errors';
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

  it('injects parameters after the parameters cell and records them (new names with allowUnknownParameters)', async () => {
    const nb = notebook(code('let epochs: number = 1;', ['parameters']), code('b'));
    const { result, kernel } = await run(nb, echo, { parameters: { epochs: 3, name: 'x' }, allowUnknownParameters: true });
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

  it('names an unknown kernel (--kernel or the notebook metadata) before starting anything', async () => {
    await assert.rejects(
      executeNotebook(notebook(code('a')), { kernel: 'no-such-kernel', kernelspecDirs: ['/nonexistent'] }),
      (e: Error) => e instanceof PreflightError && /^--kernel no-such-kernel: no kernel named "no-such-kernel"/.test(e.message),
    );
    const typo = { ...notebook(code('a')), metadata: { kernelspec: { name: 'tslb', display_name: 'T' } } };
    await assert.rejects(executeNotebook(typo, { kernelspecDirs: [] }), /^PreflightError: the notebook: metadata\.kernelspec\.name "tslb": no kernel named "tslb"/);
  });

  it('a non-string kernelspec.name is a clear error naming the notebook and the field', async () => {
    const nb = { ...notebook(code('a')), metadata: { kernelspec: { name: 42, display_name: 'T' } } } as unknown as Notebook;
    await assert.rejects(executeNotebook(nb, { kernelspecDirs: [] }), /^PreflightError: the notebook: metadata\.kernelspec\.name: must be a non-empty string, got 42/);
  });

  it('a missing --cwd fails before the kernel starts, naming --cwd', async () => {
    let started = false;
    const startKernel = scriptedStarter(echo, () => (started = true));
    await assert.rejects(executeNotebook(notebook(code('a')), { kernelspecDirs: [], cwd: '/nonexistent/dir', startKernel }), /^PreflightError: --cwd \/nonexistent\/dir: no such folder$/);
    assert.equal(started, false);
  });

  describe('parameters are checked against the parameters cell before the kernel starts', () => {
    const params = () => notebook(code('let epochs: number = 5;\nlet model: "cnn" | "mlp" = "cnn";\nconst rate = 0.1;\nlet augment = true;', ['parameters']), code('b'));
    const rejects = async (nb: Notebook, parameters: Record<string, any>, message: RegExp, extra = {}) => {
      let started = false;
      const startKernel = scriptedStarter(echo, () => (started = true));
      await assert.rejects(executeNotebook(nb, { kernelspecDirs: [], startKernel, parameters, ...extra }), (e: Error) => e instanceof PreflightError && message.test(e.message) && !e.message.includes('\n'));
      assert.equal(started, false, 'no kernel was started');
    };

    it('an unknown name fails, listing the known ones', () =>
      rejects(params(), { nosuch: 3 }, /^-p nosuch: unknown parameter nosuch; the parameters cell of the notebook declares epochs, model, rate, augment \(--allow-unknown-parameters injects new names\)$/));

    it('a typo of a known name suggests it', () => rejects(params(), { epoch: 1 }, /^-p epoch: unknown parameter epoch \(did you mean epochs\?\)/));

    it('without a parameters cell every name is unknown', () => rejects(notebook(code('a')), { epochs: 1 }, /^-p epochs: the notebook has no parameters cell/));

    it('a value of the wrong type fails, naming the parameter, the expected and the given type', async () => {
      await rejects(params(), { epochs: 'ten' }, /^-p epochs: expected a number \(the parameters cell declares `let epochs: number = 5`\), got a string: "ten"$/);
      await rejects(params(), { model: 3 }, /^-p model: expected a string .*, got a number: 3; quote it/);
      await rejects(params(), { augment: 'yes' }, /^-p augment: expected true\/false/);
      await rejects(params(), { epochs: 'ten', brandNew: 1 }, /^-p epochs: expected a number/, { allowUnknownParameters: true });
    });

    it('allowUnknownParameters injects new names; known names of the right type pass', async () => {
      const { result } = await run(params(), echo, { parameters: { epochs: 2, model: 'mlp', rate: 0.5, augment: false, brandNew: [1] }, allowUnknownParameters: true });
      assert.equal(result.ok, true);
      const { result: none } = await run(notebook(code('a')), echo, { parameters: { x: 1 }, allowUnknownParameters: true });
      assert.deepEqual(none.notebook.cells[0].metadata.tags, ['injected-parameters']);
    });
  });

  it("numbers cells in errors and progress among the notebook's own cells, naming the injected cell and its parameter", async () => {
    const nb = notebook(code('let epochs: number = 1;', ['parameters']), code('fail later'));
    const labels: string[] = [];
    const onEvent = (e: RunnerEvent) => e.type === 'cell-start' && labels.push(e.label);
    const { result } = await run(nb, echo, { parameters: { epochs: 2 }, onEvent });
    assert.deepEqual(labels, ['cell 1', 'the injected parameters cell', 'cell 2']);
    assert.equal(result.error!.reason, 'cell 2: 1:1 - fail later');
    const failing: Script = (src, k) => (src.includes('epochs = 2') ? steps.cell(k.executionCount, [steps.stderr("2:1 - Type 'number' is not assignable to type 'string'.\n")], 'error') : echo(src, k));
    const { result: bad } = await run(nb, failing, { parameters: { epochs: 2 } });
    assert.equal(bad.error!.reason, "the injected parameters cell (-p epochs): 2:1 - Type 'number' is not assignable to type 'string'.");
    assert.equal(bad.executedCells, 2);
  });
});
