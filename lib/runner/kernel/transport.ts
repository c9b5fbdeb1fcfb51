/**
 * ZeroMQ transport to a running kernel: one socket per channel, messages decoded and signed by
 * ./wire, and every incoming message handed to one listener. No protocol logic lives here.
 */
import * as zmq from 'zeromq';
import { ConnectionInfo } from './connection';
import { decodeMessage, encodeMessage, JupyterMessage, WireError } from './wire';

export type SendChannel = 'shell' | 'control' | 'stdin';

/** What the protocol logic needs from a transport (tests substitute a scripted one). */
export interface MessageTransport {
  send(channel: SendChannel, msg: JupyterMessage): Promise<void>;
  /** Registers the single listener for decoded messages from shell, iopub, control and stdin. */
  onMessage(listener: (msg: JupyterMessage) => void): void;
  /** Sends a heartbeat ping; resolves true if echoed within `timeoutMs`. */
  heartbeat(timeoutMs: number): Promise<boolean>;
  close(): void;
}

/** Connects the five channels described by `info`. */
export function connectZmq(info: ConnectionInfo, onBadMessage: (err: Error) => void = () => {}): MessageTransport {
  const url = (port: number) => `${info.transport}://${info.ip}:${port}`;
  const shell = new zmq.Dealer({ linger: 0 });
  const control = new zmq.Dealer({ linger: 0 });
  const stdin = new zmq.Dealer({ linger: 0 });
  const iopub = new zmq.Subscriber({ linger: 0 });
  shell.connect(url(info.shell_port));
  control.connect(url(info.control_port));
  stdin.connect(url(info.stdin_port));
  iopub.connect(url(info.iopub_port));
  iopub.subscribe();
  let listener: (msg: JupyterMessage) => void = () => {};
  let closed = false;
  let hbBusy = false;

  const pump = async (socket: zmq.Dealer | zmq.Subscriber, channel: JupyterMessage['channel']) => {
    try {
      for await (const frames of socket) {
        try {
          const msg = decodeMessage(frames as Buffer[], info.key);
          msg.channel = channel;
          listener(msg);
        } catch (err) {
          if (err instanceof WireError) onBadMessage(err);
          else throw err;
        }
      }
    } catch (err) {
      if (!closed) onBadMessage(err as Error);
    }
  };
  void pump(shell, 'shell');
  void pump(control, 'control');
  void pump(stdin, 'stdin');
  void pump(iopub, 'iopub');

  return {
    async send(channel, msg) {
      const socket = channel === 'shell' ? shell : channel === 'control' ? control : stdin;
      await socket.send(encodeMessage(msg, info.key));
    },
    onMessage(fn) {
      listener = fn;
    },
    async heartbeat(timeoutMs) {
      if (hbBusy || closed) return false;
      hbBusy = true;
      try {
        return await pingHeartbeat(url(info.hb_port), timeoutMs);
      } finally {
        hbBusy = false;
      }
    },
    close() {
      if (closed) return;
      closed = true;
      for (const s of [shell, control, stdin, iopub]) s.close();
    },
  };
}

/** Sends one heartbeat ping to `address`; true when it is echoed within `timeoutMs`. */
async function pingHeartbeat(address: string, timeoutMs: number): Promise<boolean> {
  // A fresh REQ socket per ping: a REQ that missed its reply is stuck, so never reuse it.
  const hb = new zmq.Request({ linger: 0, receiveTimeout: timeoutMs, sendTimeout: timeoutMs });
  try {
    hb.connect(address);
    await hb.send('ping');
    const [reply] = await hb.receive();
    return reply.toString() === 'ping';
  } catch {
    return false;
  } finally {
    hb.close();
  }
}
