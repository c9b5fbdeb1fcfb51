import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { executeNotebook, ExecuteNotebookOptions, ExecutionResult } from '../../lib/runner/executor';
import { liveKernelCount } from '../../lib/runner/kernel/process';
import { CodeCell } from '../../lib/runner/document/nbformat';
import { normaliseNotebook } from './helpers/normalise';
import { skipIf } from '../helpers/skip';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'notebooks');
const GOLDEN = path.join(FIXTURES, 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

/**
 * Runs a fixture on the real local tslab and compares its normalised outputs with the golden file.
 * With UPDATE_GOLDEN=1 it rewrites the golden file instead and leaves the test pending: a file
 * compared with itself proves nothing, so only a later run without it can pass.
 */
async function runGolden(ctx: Mocha.Context, name: string, options: ExecuteNotebookOptions = {}): Promise<ExecutionResult> {
  const result = await executeNotebook(path.join(FIXTURES, `${name}.ipynb`), { kernelspecDirs: [], ...options });
  const actual = normaliseNotebook(result.notebook);
  const file = path.join(GOLDEN, `${name}.json`);
  assert.equal(liveKernelCount(), 0, 'no kernel process is left running');
  if (UPDATE) {
    fs.mkdirSync(GOLDEN, { recursive: true });
    fs.writeFileSync(file, JSON.stringify(actual, null, 1) + '\n');
    skipIf(ctx, `UPDATE_GOLDEN=1 rewrote ${path.relative(process.cwd(), file)}; run again without it to check the outputs against it`);
  }
  assert.deepEqual(actual, JSON.parse(fs.readFileSync(file, 'utf8')), `${name}: outputs differ from ${file} (UPDATE_GOLDEN=1 rewrites it)`);
  return result;
}

const cell = (r: ExecutionResult, n: number) => r.notebook.cells[n - 1] as CodeCell;
const kinds = (r: ExecutionResult, n: number) => cell(r, n).outputs.map((o) => (o.output_type === 'display_data' ? Object.keys(o.data).join('+') : o.output_type));

describe('runner golden notebooks on the real tslab kernel @slow', function () {
  this.timeout(60000);

  it('outputs: streams, every display MIME type, display updates across cells, clear_output', async function () {
    const r = await runGolden(this, 'outputs');
    assert.equal(r.ok, true, r.error?.message);
    assert.deepEqual(kinds(r, 2), ['stream', 'stream', 'stream']);
    assert.deepEqual(kinds(r, 4), ['text/html']);
    assert.deepEqual(kinds(r, 5), ['image/png']);
    assert.deepEqual(kinds(r, 6), ['image/svg+xml']);
    assert.deepEqual(kinds(r, 7), ['text/markdown', 'text/latex']);
    assert.deepEqual(kinds(r, 8), ['application/json']);
    assert.deepEqual(kinds(r, 9), ['application/vnd.plotly.v1+json']);
    assert.deepEqual((cell(r, 10).outputs[0] as any).data, { 'text/plain': 'count: 2 (from a later cell)' }, 'a later cell updated this display');
    assert.deepEqual(cell(r, 13).outputs, [{ output_type: 'stream', name: 'stdout', text: ['only this remains\n'] }]);
    assert.equal((cell(r, 14).metadata.digit_lab as any).status, 'skipped');
    const run = (r.notebook.metadata.digit_lab as any).run;
    assert.equal(run.kernel.tslab, '1.0.22');
    assert.equal(run.kernel.node, process.version);
    assert.equal(r.notebook.metadata.language_info?.name, 'typescript');
  });

  it('errors: a type error, a thrown error and a rejected promise become error outputs (allow-errors)', async function () {
    const r = await runGolden(this, 'errors', { allowErrors: true });
    assert.deepEqual(r.errors.map((e) => e.reason), [
      "cell 3: 1:7 - Type 'string' is not assignable to type 'number'.",
      'cell 5: Error: boom',
      'cell 6: RangeError: rejected promise',
    ]);
    assert.deepEqual(kinds(r, 5), ['stream', 'error'], 'stdout before the throw is kept');
    assert.deepEqual(cell(r, 7).outputs, [{ output_type: 'stream', name: 'stdout', text: ['still alive\n'] }]);
  });

  it('errors: without allow-errors the run stops at the first failing cell', async () => {
    const r = await executeNotebook(path.join(FIXTURES, 'errors.ipynb'), { kernelspecDirs: [] });
    assert.equal(r.errors.length, 1);
    assert.equal((cell(r, 4).metadata.digit_lab as any).status, 'not-run');
  });

  it('timeout: an infinite loop is interrupted at the cell timeout and the kernel lives on', async function () {
    const started = Date.now();
    const r = await runGolden(this, 'timeout', { timeout: 3, allowErrors: true });
    const loopSeconds = (cell(r, 2).metadata.digit_lab as any).duration;
    assert.ok(loopSeconds >= 2.9 && loopSeconds < 3 + 4, `loop cell took ${loopSeconds} s`);
    assert.ok(Date.now() - started < 3000 + 15000, 'whole run within timeout + start-up');
    assert.equal(r.error?.reason, 'cell 2: cell timed out after 3 s');
    assert.deepEqual(cell(r, 3).outputs, [{ output_type: 'stream', name: 'stdout', text: ['after the loop\n'] }]);
  });

  it('kernel-exit: a cell calling process.exit gives a DeadKernelError and stops', async function () {
    const r = await runGolden(this, 'kernel-exit');
    assert.equal(r.error?.name, 'DeadKernelError');
    assert.equal(r.error?.reason, 'cell 2: kernel died (exit code 3)');
  });

  it('parameters: injected after the parameters cell, type-checked, recorded in metadata', async function () {
    const r = await runGolden(this, 'parameters', { parameters: { epochs: 5, model: 'mlp', rate: 0.5 } });
    assert.equal(r.ok, true, r.error?.message);
    assert.deepEqual((r.notebook.metadata.papermill as any).parameters, { epochs: 5, model: 'mlp', rate: 0.5 });
    const bad = await executeNotebook(path.join(FIXTURES, 'parameters.ipynb'), { kernelspecDirs: [], parameters: { model: 'rnn' } });
    assert.match(bad.error?.reason ?? '', /^the injected parameters cell \(-p model\): .*Type '"rnn"' is not assignable to type '"cnn" \| "mlp"'/, 'a value of the wrong type fails in the injected cell, named as such');
  });
});
