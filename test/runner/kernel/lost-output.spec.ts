import { strict as assert } from 'assert';
import { joinSource } from '../../../lib/runner/document/nbformat';
import * as path from 'path';
import { type KernelSpec, localTslabSpec } from '../../../lib/runner/kernel/kernelspec';
import { launchKernel, RunningKernel } from '../../../lib/runner/kernel/launch';
import { DisplayRegistry, isRunnerNote, OutputCollector } from '../../../lib/runner/kernel/output-collector';

/** Stock tslab, started as `tslab install` registers it: without the project's patch. */
function stockTslabSpec(): KernelSpec {
  const tslab = path.join(path.dirname(require.resolve('tslab/package.json')), 'bin', 'tslab');
  return { ...localTslabSpec(), argv: [process.execPath, tslab, 'kernel', '--config-path', '{connection_file}'], source: 'stock tslab' };
}

/**
 * Stock tslab sends at most ~512 iopub messages without a pause and silently drops the rest
 * (zeromq.js refuses a send while one is deferred; console.log swallows the error), the idle
 * status included. The project's tslab queues its sends and loses nothing; with any other
 * kernel, a cell's output is either complete or carries the runner's note.
 */
for (const [label, spec] of [['the project\'s tslab', localTslabSpec], ['stock tslab', stockTslabSpec]] as const) describe(`runner/kernel lost output on ${label} @slow`, function () {
  this.timeout(60000);
  let kernel: RunningKernel;
  before(async () => {
    kernel = await launchKernel(spec(), { cwd: process.cwd(), startupTimeoutMs: 30000 });
  });
  after(async () => {
    await kernel?.close();
  });

  async function run(code: string): Promise<{ lines: string[]; noted: boolean }> {
    const collector = new OutputCollector(new DisplayRegistry());
    const result = await kernel.client.execute(code, { timeoutMs: 30000, collector });
    assert.equal(result.status, 'ok');
    const stdout = collector.outputs.filter((o) => o.output_type === 'stream' && o.name === 'stdout');
    const lines = stdout.map((o) => joinSource((o as { text: string[] }).text)).join('').split('\n').filter(Boolean);
    return { lines, noted: collector.outputs.some(isRunnerNote) };
  }

  it('a cell printing 3,000 lines keeps them all or says that output was lost', async () => {
    const { lines, noted } = await run("for (let i = 0; i < 3000; i++) console.log('line ' + i);");
    assert.ok(lines.length === 3000 || noted, `kept ${lines.length} of 3000 lines without a note`);
    assert.deepEqual(lines, lines.map((_, i) => `line ${i}`), 'what is kept is the beginning, in order');
    if (spec === localTslabSpec) assert.deepEqual([lines.length, noted], [3000, false], 'the project\'s tslab loses nothing');
    else assert.ok(lines.length < 3000 && noted, `the control: stock tslab still drops output (kept ${lines.length}), and the note says so`);
  });

  it('a cell printing a few lines keeps them all and has no note', async () => {
    const { lines, noted } = await run("for (let i = 0; i < 20; i++) console.log('line ' + i);");
    assert.equal(lines.length, 20);
    assert.equal(noted, false);
  });
});
