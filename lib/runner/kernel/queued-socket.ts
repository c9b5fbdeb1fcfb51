/**
 * A zeromq.js publisher that loses nothing in a burst. zeromq.js sends at most 512 messages in a
 * row synchronously; while one is deferred, every further send throws EBUSY at once; and a
 * publisher drops what a slow subscriber's full queue cannot take. This facade sends at once
 * while it can (so output written just before a process exits still goes out), keeps in order
 * whatever was refused, and sends it as room appears.
 */

/** The socket calls the facade uses (zeromq.js 6 Publisher; its objects are frozen, hence a facade). */
export interface SendSocket {
  send(frames: Array<string | Buffer>): Promise<void>;
  close(): void;
  /** ZMQ_XPUB_NODROP: refuse (EAGAIN) instead of dropping when a subscriber is full. */
  noDrop?: boolean;
}

/** How long one message waits for a subscriber that takes nothing before it is dropped after all. */
const ROOM_WAIT_MS = 60_000;
const MAX_PAUSE_MS = 50;

const errorCode = (err: unknown) => (err as { code?: string }).code;

/** `socket` behind a send that never drops a message nor reorders them (see the module comment). */
export function queuedSends(socket: SendSocket, onDropped: (err: Error) => void = () => {}): SendSocket {
  if ('noDrop' in socket) socket.noDrop = true;
  const waiting: Array<{ frames: Array<string | Buffer>; since: number }> = [];
  let inFlight: Promise<void> | undefined;
  let draining = false;
  let pauseMs = 0;

  /** Hands one message to the socket; false when it is busy with a deferred send (EBUSY). */
  const attempt = (item: (typeof waiting)[number]): boolean => {
    let sent: Promise<void>;
    try {
      sent = socket.send(item.frames);
    } catch (err) {
      if (errorCode(err) === 'EBUSY') return false;
      throw err;
    }
    inFlight = sent;
    sent.then(
      () => {
        if (inFlight === sent) inFlight = undefined;
        pauseMs = 0;
      },
      (err: Error) => {
        if (inFlight === sent) inFlight = undefined;
        // Refused for lack of room: everything sent after it was refused too (EBUSY) and waits,
        // so it goes back to the head of the line.
        if (errorCode(err) === 'EAGAIN' && Date.now() - item.since < ROOM_WAIT_MS) {
          waiting.unshift(item);
          pauseMs = Math.min(Math.max(1, pauseMs * 2), MAX_PAUSE_MS);
          void drain();
        } else {
          onDropped(err);
        }
      },
    );
    return true;
  };

  const drain = async (): Promise<void> => {
    if (draining) return;
    draining = true;
    try {
      while (waiting.length > 0) {
        if (inFlight) {
          await inFlight.catch(() => undefined);
          continue;
        }
        if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
        if (inFlight) continue;
        const item = waiting[0];
        if (attempt(item)) waiting.shift();
        else await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      draining = false;
    }
  };

  return {
    send(frames) {
      const item = { frames, since: Date.now() };
      if (waiting.length === 0 && attempt(item)) return Promise.resolve();
      waiting.push(item);
      void drain();
      return Promise.resolve();
    },
    close: () => socket.close(),
  };
}
