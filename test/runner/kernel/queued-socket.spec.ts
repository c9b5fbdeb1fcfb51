import { strict as assert } from 'assert';
import * as zmq from 'zeromq';
import { queuedSends } from '../../../lib/runner/kernel/queued-socket';

/** A publisher bound on loopback and a subscriber that takes messages slowly, as a busy client does. */
async function pubSub(slowEvery = 100) {
  const pub = new zmq.Publisher({ linger: 0 });
  await pub.bind('tcp://127.0.0.1:*');
  const sub = new zmq.Subscriber({ linger: 0, receiveHighWaterMark: 50 });
  sub.connect(pub.lastEndpoint!);
  sub.subscribe();
  const received: string[] = [];
  void (async () => {
    for await (const [frame] of sub) {
      received.push(frame.toString());
      if (received.length % slowEvery === 0) await new Promise((r) => setTimeout(r, 2));
    }
  })().catch(() => undefined);
  // A subscription takes a moment to reach the publisher; until then a publisher drops everything.
  for (let i = 0; received.length === 0 && i < 200; i++) {
    await pub.send('hello');
    await new Promise((r) => setTimeout(r, 10));
  }
  received.length = 0;
  return { pub, sub, received, close: () => (sub.close(), pub.close()) };
}

async function until(done: () => boolean, ms = 20000): Promise<void> {
  const end = Date.now() + ms;
  while (!done() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
}

describe('runner/kernel queuedSends (real zeromq publisher and subscriber)', function () {
  this.timeout(30000);

  it('a burst of 5,000 sends without a pause arrives whole and in order (bare zeromq keeps about 512)', async () => {
    const bare = await pubSub();
    let refused = 0;
    for (let i = 0; i < 5000; i++) {
      try {
        void bare.pub.send(`m${i}`).catch(() => undefined);
      } catch {
        refused++;
      }
    }
    await until(() => false, 500);
    bare.close();
    assert.ok(refused > 0 && bare.received.length < 5000, `the control: bare zeromq refused ${refused}, delivered ${bare.received.length}`);

    const { pub, received, close } = await pubSub();
    const dropped: Error[] = [];
    const queued = queuedSends(pub, (e) => dropped.push(e));
    for (let i = 0; i < 5000; i++) void queued.send([`m${i}`]);
    await until(() => received.length >= 5000);
    close();
    assert.deepEqual(dropped, []);
    assert.equal(received.length, 5000);
    assert.deepEqual(received, received.map((_, i) => `m${i}`));
  });

  it('sends at once while the socket is free: output written just before an exit is not held back', async () => {
    const calls: string[] = [];
    const socket = { send: async (frames: Array<string | Buffer>) => void calls.push(String(frames[0])), close: () => undefined };
    const queued = queuedSends(socket);
    void queued.send(['first']);
    assert.deepEqual(calls, ['first'], 'handed to the socket synchronously');
  });
});
