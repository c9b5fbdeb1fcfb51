import { strict as assert } from 'assert';
import { createHmac } from 'crypto';
import { createMessage, decodeMessage, encodeMessage, signParts, WireError } from '../../../lib/runner/kernel/wire';

const toBuffers = (frames: Array<string | Buffer>) => frames.map((f) => (typeof f === 'string' ? Buffer.from(f) : f));

describe('runner/kernel/wire', () => {
  it('signs the four JSON parts with HMAC-SHA256 of the key', () => {
    const parts = ['{"a":1}', '{}', '{}', '{"code":"1"}'];
    const expected = createHmac('sha256', 'secret').update(parts.join('')).digest('hex');
    assert.equal(signParts('secret', parts), expected);
    assert.equal(signParts('', parts), '', 'an empty key means unsigned messages');
  });

  it('round-trips a message through the frames, keeping identities out of the message', () => {
    const msg = createMessage('execute_request', { code: 'console.log(1)' }, 'session-1');
    const frames = toBuffers(encodeMessage(msg, 'k', [Buffer.from('peer-id')]));
    assert.equal(frames[1].toString(), '<IDS|MSG>');
    const back = decodeMessage(frames, 'k');
    assert.deepEqual(back.header, msg.header);
    assert.deepEqual(back.content, { code: 'console.log(1)' });
    assert.deepEqual(back.buffers, []);
  });

  it('rejects a message signed with another key', () => {
    const frames = toBuffers(encodeMessage(createMessage('status', {}, 's'), 'right'));
    assert.throws(() => decodeMessage(frames, 'wrong'), (e: Error) => e instanceof WireError && /signature/.test(e.message));
  });

  it('rejects frames without the delimiter or with missing parts', () => {
    assert.throws(() => decodeMessage([Buffer.from('x')], 'k'), /delimiter/);
    assert.throws(() => decodeMessage(toBuffers(['<IDS|MSG>', 'sig', '{}']), 'k'), /need 5/);
  });
});
