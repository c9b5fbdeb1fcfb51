import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { executeNotebook } from '../../../lib/runner/executor';
import { KernelStartupError } from '../../../lib/runner/document/errors';
import { localTslabSpec, KernelSpec } from '../../../lib/runner/kernel/kernelspec';
import { launchKernel } from '../../../lib/runner/kernel/launch';
import { liveKernelCount } from '../../../lib/runner/kernel/process';

const fake = (argv: string[]): KernelSpec => ({ name: 'fake', display_name: 'Fake', language: '', argv, env: {}, interrupt_mode: 'signal', source: 'test' });

describe('runner/kernel/launch', function () {
  this.timeout(30000);

  it('reports a kernel that exits during start-up, with what it printed', async () => {
    const spec = fake([process.execPath, '-e', 'console.error("no luck"); process.exit(2)', '{connection_file}']);
    await assert.rejects(launchKernel(spec, { cwd: process.cwd(), startupTimeoutMs: 10000 }), (e: Error) => {
      assert.ok(e instanceof KernelStartupError);
      assert.match(e.message, /exited during start-up \(exit code 2\)/);
      assert.match(e.message, /no luck/);
      return true;
    });
    assert.equal(liveKernelCount(), 0);
  });

  it('reports a command that cannot be run', async () => {
    await assert.rejects(launchKernel(fake(['/nonexistent/kernel-binary']), { cwd: process.cwd(), startupTimeoutMs: 5000 }), /could not run it: .*ENOENT/);
  });

  it('names a working directory that does not exist or is not a folder, rather than "spawn ... ENOENT"', async () => {
    const missing = path.join(os.tmpdir(), 'no-such-dir-for-kernel', 'sub');
    await assert.rejects(launchKernel(localTslabSpec(), { cwd: missing, startupTimeoutMs: 5000 }), (e: Error) => {
      assert.ok(e instanceof KernelStartupError);
      assert.equal(e.message, `kernel "tslab" cannot start: its working directory ${missing} does not exist`);
      return true;
    });
    await assert.rejects(launchKernel(localTslabSpec(), { cwd: __filename, startupTimeoutMs: 5000 }), /its working directory .*launch\.spec\.ts is not a folder$/);
    assert.equal(liveKernelCount(), 0);
  });

  it('gives up after the start-up timeout and kills the silent process', async () => {
    const spec = fake([process.execPath, '-e', 'setInterval(() => {}, 1000)', '{connection_file}']);
    await assert.rejects(launchKernel(spec, { cwd: process.cwd(), startupTimeoutMs: 500 }), /did not answer kernel_info within 0.5 s/);
    assert.equal(liveKernelCount(), 0);
  });

  it('starts the local tslab, answers heartbeats, and shuts it down cleanly @slow', async () => {
    const kernel = await launchKernel(localTslabSpec(), { cwd: process.cwd(), startupTimeoutMs: 30000 });
    try {
      assert.equal(kernel.info.implementation, 'tslab');
      assert.equal(liveKernelCount(), 1);
      assert.equal(await kernel.heartbeat!(2000), true);
    } finally {
      await kernel.close();
    }
    assert.equal(liveKernelCount(), 0);
    assert.throws(() => process.kill(kernel.pid!, 0), /ESRCH/, 'the process is gone');
  });
});

describe('runner/executor kernel choice', function () {
  this.timeout(30000);
  it('uses the local tslab when a registered tslab kernelspec names a command that is not installed @slow', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kspec-missing-'));
    try {
      fs.mkdirSync(path.join(dir, 'tslab'));
      fs.writeFileSync(path.join(dir, 'tslab', 'kernel.json'), JSON.stringify({ argv: ['/nonexistent/tslab', 'kernel', '--config-path', '{connection_file}'], display_name: 'TS', language: 'typescript' }));
      const r = await executeNotebook({ nbformat: 4, nbformat_minor: 4, metadata: {}, cells: [{ cell_type: 'code', source: 'console.log(1 + 1)', metadata: {}, execution_count: null, outputs: [] }] }, { kernelspecDirs: [dir] });
      assert.equal(r.ok, true, r.error?.message);
      assert.equal(r.summary.kernel.source, 'local tslab');
      assert.deepEqual((r.notebook.cells[0] as any).outputs[0].text, ['2\n']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
