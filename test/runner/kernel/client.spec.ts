import { strict as assert } from 'assert';
import { DisplayRegistry, isRunnerNote, OutputCollector } from '../../../lib/runner/kernel/output-collector';
import { scriptedClient, steps } from '../helpers/scripted-kernel';

const collector = () => new OutputCollector(new DisplayRegistry());

describe('runner/kernel/client (scripted kernel, no sockets)', () => {
  it('waits for kernel_info on shell and a message on iopub before it is ready', async () => {
    const { client, kernel } = scriptedClient(() => []);
    const info = await client.waitReady(1000);
    assert.equal(info.implementation, 'scripted');
    assert.equal(kernel.sent[0].msg.header.msg_type, 'kernel_info_request');
  });

  it('fails start-up with the reason when the kernel exits first', async () => {
    const { client, kernel } = scriptedClient(() => []);
    kernel.exit('exit code 1');
    await assert.rejects(client.waitReady(1000), /exited during start-up \(exit code 1\)/);
  });

  it('collects outputs until both the reply and the idle status arrived, and ignores other parents', async () => {
    const { client, kernel } = scriptedClient(() => [
      steps.busy(),
      steps.stdout('hi\n'),
      { iopub: 'stream', content: { name: 'stdout', text: 'from another request\n' }, foreignParent: true },
      steps.ok(1),
      { wait: 30 },
      steps.stdout('late but before idle\n'),
      steps.idle(),
    ]);
    await client.waitReady(1000);
    const c = collector();
    const result = await client.execute('x', { timeoutMs: Infinity, collector: c });
    assert.equal(result.status, 'ok');
    assert.equal(result.executionCount, 1);
    assert.deepEqual(c.outputs, [{ output_type: 'stream', name: 'stdout', text: ['hi\n', 'late but before idle\n'] }]);
    assert.ok(result.timing['iopub.status.busy'] && result.timing['shell.execute_reply'] && result.timing['iopub.status.idle']);
    assert.equal(kernel.sent.filter((s) => s.msg.header.msg_type === 'execute_request').length, 1);
  });

  it('gives up waiting for idle after the iopub timeout when the reply came, noting that output may be lost', async () => {
    const { client } = scriptedClient(() => [steps.busy(), steps.stdout('line 1\n'), steps.ok(1), { hang: true }], { iopubTimeoutMs: 50 });
    await client.waitReady(1000);
    const c = collector();
    const result = await client.execute('x', { timeoutMs: Infinity, collector: c });
    assert.equal(result.status, 'ok');
    assert.equal(result.timing['iopub.status.idle'], undefined);
    assert.equal(c.outputs.length, 2);
    assert.deepEqual(c.outputs[0], { output_type: 'stream', name: 'stdout', text: ['line 1\n'] });
    assert.equal(c.outputs[1].output_type === 'stream' && c.outputs[1].name, 'stderr');
    assert.match((c.outputs[1] as any).text.join(''), /^digit-lab: the kernel did not report this cell done within 0\.05 s .*output above may be incomplete/);
    assert.ok(isRunnerNote(c.outputs[1]));
  });

  it('reports error and abort replies', async () => {
    const { client } = scriptedClient((code) => steps.cell(1, [steps.stderr('1:1 - bad\n')], code === 'a' ? 'abort' : 'error'));
    await client.waitReady(1000);
    assert.equal((await client.execute('e', { timeoutMs: Infinity, collector: collector() })).status, 'error');
    assert.equal((await client.execute('a', { timeoutMs: Infinity, collector: collector() })).status, 'abort');
  });

  it('on timeout interrupts by signal and keeps the kernel when the cell stops', async () => {
    const { client, kernel } = scriptedClient(() => [steps.busy(), { hang: true }], { interruptGraceMs: 1000 });
    kernel.interruptResponse = [steps.stderr('Error: Script execution was interrupted by `SIGINT`\n'), steps.error(1), steps.idle()];
    await client.waitReady(1000);
    const c = collector();
    const result = await client.execute('while(true){}', { timeoutMs: 50, collector: c });
    assert.equal(result.status, 'timeout');
    assert.equal(result.killed, false);
    assert.deepEqual(kernel.signals, ['SIGINT']);
    assert.equal(kernel.isAlive(), true);
    assert.equal(c.outputs.length, 1);
  });

  it('interrupts with interrupt_request on control when the kernelspec says interrupt_mode=message', async () => {
    const { client, kernel } = scriptedClient(() => [steps.busy(), { hang: true }], { interruptMode: 'message', interruptGraceMs: 1000 });
    kernel.interruptResponse = [steps.error(1), steps.idle()];
    await client.waitReady(1000);
    await client.execute('x', { timeoutMs: 20, collector: collector() });
    assert.ok(kernel.sent.some((s) => s.channel === 'control' && s.msg.header.msg_type === 'interrupt_request'));
  });

  it('kills the kernel when the interrupt is not answered within the grace time', async () => {
    const { client, kernel } = scriptedClient(() => [steps.busy(), { hang: true }], { interruptGraceMs: 30 });
    await client.waitReady(1000);
    const result = await client.execute('x', { timeoutMs: 20, collector: collector() });
    assert.equal(result.status, 'timeout');
    assert.equal(result.killed, true);
    assert.equal(kernel.killed, true);
    assert.equal(client.isDead, true);
  });

  it('reports a kernel that dies mid-cell, keeping what it printed', async () => {
    const { client } = scriptedClient(() => [steps.busy(), steps.stdout('exiting\n'), { exit: 'exit code 3' }]);
    await client.waitReady(1000);
    const c = collector();
    const result = await client.execute('process.exit(3)', { timeoutMs: Infinity, collector: c });
    assert.equal(result.status, 'dead');
    assert.equal(result.deathDetail, 'exit code 3');
    assert.equal(c.outputs.length, 1);
    const again = await client.execute('1', { timeoutMs: Infinity, collector: collector() });
    assert.equal(again.status, 'dead', 'a dead kernel answers every later request at once');
  });
});
