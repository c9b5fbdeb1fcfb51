import { strict as assert } from 'assert';
import { createMessage } from '../../../lib/runner/kernel/wire';
import { DisplayRegistry, OutputCollector } from '../../../lib/runner/kernel/output-collector';

const msg = (type: string, content: Record<string, unknown>) => createMessage(type, content, 's');
const stream = (name: string, text: string) => msg('stream', { name, text });
const display = (data: Record<string, unknown>, id?: string) => msg('display_data', { data, metadata: {}, transient: id ? { display_id: id } : {} });

describe('runner/outputs', () => {
  it('merges consecutive stream messages of the same name, splitting lines', () => {
    const c = new OutputCollector(new DisplayRegistry());
    c.handle(stream('stdout', 'a\nb'));
    c.handle(stream('stdout', 'c\n'));
    c.handle(stream('stderr', 'warn\n'));
    c.handle(stream('stdout', 'd\n'));
    assert.deepEqual(c.outputs, [
      { output_type: 'stream', name: 'stdout', text: ['a\n', 'bc\n'] },
      { output_type: 'stream', name: 'stderr', text: ['warn\n'] },
      { output_type: 'stream', name: 'stdout', text: ['d\n'] },
    ]);
  });

  it('clear_output without wait clears at once; with wait, only when the next output arrives', () => {
    const c = new OutputCollector(new DisplayRegistry());
    c.handle(stream('stdout', 'one\n'));
    c.handle(msg('clear_output', { wait: false }));
    assert.equal(c.outputs.length, 0);
    c.handle(stream('stdout', 'two\n'));
    c.handle(msg('clear_output', { wait: true }));
    assert.equal(c.outputs.length, 1, 'wait=true keeps the output until something new comes');
    c.handle(display({ 'text/plain': 'three' }));
    assert.deepEqual(c.outputs, [{ output_type: 'display_data', data: { 'text/plain': 'three' }, metadata: {} }]);
  });

  it('update_display_data updates every output with that display id, also in earlier cells', () => {
    const registry = new DisplayRegistry();
    const first = new OutputCollector(registry);
    first.handle(display({ 'text/plain': 'v1' }, 'd1'));
    first.handle(display({ 'text/plain': 'other' }, 'd2'));
    const second = new OutputCollector(registry);
    second.handle(display({ 'text/plain': 'v1 again' }, 'd1'));
    second.handle(msg('update_display_data', { data: { 'text/plain': 'v2' }, metadata: { m: 1 }, transient: { display_id: 'd1' } }));
    second.handle(msg('update_display_data', { data: { 'text/plain': 'nobody' }, metadata: {}, transient: { display_id: 'unknown' } }));
    assert.deepEqual(first.outputs.map((o: any) => o.data['text/plain']), ['v2', 'other']);
    assert.deepEqual((first.outputs[0] as any).metadata, { m: 1 });
    assert.deepEqual(second.outputs.map((o: any) => o.data['text/plain']), ['v2']);
    assert.ok(!('transient' in first.outputs[0]), 'transient is not part of nbformat outputs');
  });

  it('a cleared display is no longer updated', () => {
    const registry = new DisplayRegistry();
    const c = new OutputCollector(registry);
    c.handle(display({ 'text/plain': 'old' }, 'd'));
    const kept = c.outputs[0];
    c.handle(msg('clear_output', { wait: false }));
    registry.update('d', { 'text/plain': 'new' }, {});
    assert.equal((kept as any).data['text/plain'], 'old');
  });

  it('records execute_result and error messages and reports each output once', () => {
    const seen: string[] = [];
    const c = new OutputCollector(new DisplayRegistry(), (o) => seen.push(o.output_type));
    c.handle(msg('execute_result', { execution_count: 3, data: { 'text/plain': '42' }, metadata: {} }));
    c.handle(msg('error', { ename: 'E', evalue: 'v', traceback: ['t'] }));
    c.handle(msg('status', { execution_state: 'idle' }));
    assert.deepEqual(c.outputs, [
      { output_type: 'execute_result', execution_count: 3, data: { 'text/plain': '42' }, metadata: {} },
      { output_type: 'error', ename: 'E', evalue: 'v', traceback: ['t'] },
    ]);
    assert.deepEqual(seen, ['execute_result', 'error']);
  });
});
