/**
 * The protocol logic of talking to one kernel: readiness (kernel_info), executing a cell and
 * waiting for its reply and idle status, timeouts with interrupt then kill, death detection, and
 * shutdown. It sees the kernel only through a MessageTransport and a KernelLifecycle, so tests
 * drive it with scripted messages and no sockets or processes.
 */
import { randomUUID } from 'crypto';
import { OutputCollector } from './output-collector';
import { MessageTransport } from './transport';
import { createMessage, JupyterMessage } from './wire';

/** What the client needs to know and do about the kernel's process. */
export interface KernelLifecycle {
  isAlive(): boolean;
  /** Resolves with a description of how the process ended. */
  exited: Promise<string>;
  /** Interrupts by signal (SIGINT). */
  interruptSignal(): void;
  kill(): void;
}

export interface ExecuteOptions {
  /** Milliseconds before the cell is interrupted; Infinity for none. */
  timeoutMs: number;
  collector: OutputCollector;
}

/** How one execute_request ended. */
export interface CellRunResult {
  status: 'ok' | 'error' | 'abort' | 'timeout' | 'dead';
  reply?: Record<string, any>;
  executionCount: number | null;
  /** nbclient-style timestamps (ISO 8601) keyed like `iopub.status.busy`. */
  timing: Record<string, string>;
  /** True when the kernel had to be killed (timeout without response to the interrupt). */
  killed: boolean;
  /** How the kernel ended, when status is 'dead'. */
  deathDetail?: string;
}

export interface KernelClientOptions {
  interruptMode?: 'signal' | 'message';
  /** How long to wait for iopub idle after execute_reply (outputs may lag the reply). */
  iopubTimeoutMs?: number;
  /** How long an interrupted cell gets to finish before the kernel is killed. */
  interruptGraceMs?: number;
}

/** How long to keep reading messages after the kernel process ended. */
const DEATH_DRAIN_MS = 100;

/** A client for one kernel session. */
export class KernelClient {
  readonly session = randomUUID();
  private readonly handlers = new Map<string, (msg: JupyterMessage) => void>();
  private dead: string | undefined;
  private readonly deathWaiters = new Set<(detail: string) => void>();

  constructor(
    private readonly transport: MessageTransport,
    private readonly lifecycle: KernelLifecycle,
    private readonly options: KernelClientOptions = {},
  ) {
    transport.onMessage((msg) => {
      const id = msg.parent_header?.msg_id;
      const handler = id ? this.handlers.get(id) : undefined;
      handler?.(msg);
    });
    lifecycle.exited.then((detail) => {
      this.dead = detail;
      for (const w of this.deathWaiters) w(detail);
    });
  }

  /**
   * Waits until the kernel answers kernel_info on shell and has been heard on iopub (so no
   * output is lost to a late subscription). Retries the request because early ones may be dropped.
   */
  async waitReady(timeoutMs: number, retryMs = 500): Promise<Record<string, any>> {
    return new Promise((resolve, reject) => {
      let reply: Record<string, any> | undefined;
      let heardIopub = false;
      const ids: string[] = [];
      const finish = (err?: Error) => {
        clearInterval(retry);
        clearTimeout(timer);
        this.deathWaiters.delete(onDeath);
        for (const id of ids) this.handlers.delete(id);
        if (err) reject(err);
        else resolve(reply!);
      };
      const onMsg = (msg: JupyterMessage) => {
        if (msg.channel === 'iopub') heardIopub = true;
        if (msg.channel === 'shell' && msg.header.msg_type === 'kernel_info_reply') reply = msg.content;
        if (reply && heardIopub) finish();
      };
      const send = () => {
        const msg = createMessage('kernel_info_request', {}, this.session);
        ids.push(msg.header.msg_id);
        this.handlers.set(msg.header.msg_id, onMsg);
        this.transport.send('shell', msg).catch(() => {});
      };
      const onDeath = (detail: string) => finish(new Error(`the kernel exited during start-up (${detail})`));
      const retry = setInterval(send, retryMs);
      const timer = setTimeout(() => finish(new Error(`the kernel did not answer kernel_info within ${timeoutMs / 1000} s`)), timeoutMs);
      if (this.dead !== undefined) return onDeath(this.dead);
      this.deathWaiters.add(onDeath);
      send();
    });
  }

  /** Runs `code`; resolves when the reply and the idle status arrived, on timeout, or on death. */
  execute(code: string, options: ExecuteOptions): Promise<CellRunResult> {
    const iopubTimeoutMs = this.options.iopubTimeoutMs ?? 4000;
    const graceMs = this.options.interruptGraceMs ?? 5000;
    const msg = createMessage(
      'execute_request',
      { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: false },
      this.session,
    );
    const id = msg.header.msg_id;
    const timing: Record<string, string> = {};
    return new Promise<CellRunResult>((resolve) => {
      let reply: Record<string, any> | undefined;
      let idle = false;
      let timedOut = false;
      let killed = false;
      const timers: NodeJS.Timeout[] = [];
      const finish = (status: CellRunResult['status'], deathDetail?: string) => {
        for (const t of timers) clearTimeout(t);
        this.handlers.delete(id);
        this.deathWaiters.delete(onDeath);
        resolve({ status, reply, executionCount: typeof reply?.execution_count === 'number' ? reply.execution_count : null, timing, killed, deathDetail });
      };
      const settled = () => {
        if (timedOut) return finish('timeout');
        const s = reply?.status;
        finish(s === 'ok' ? 'ok' : s === 'abort' || s === 'aborted' ? 'abort' : 'error');
      };
      // Outputs sent just before the process ended may still be in the socket: drain briefly.
      const onDeath = (detail: string) => {
        timers.push(setTimeout(() => finish(timedOut ? 'timeout' : 'dead', detail), DEATH_DRAIN_MS));
      };
      this.handlers.set(id, (m) => {
        // Like nbclient: the kernel's own timestamp, so the times do not include our queueing.
        const now = typeof m.header.date === 'string' && m.header.date ? m.header.date : new Date().toISOString();
        if (m.channel === 'iopub') {
          const t = m.header.msg_type;
          if (t === 'status') {
            const state = (m.content as any).execution_state;
            if (state === 'busy') timing['iopub.status.busy'] = now;
            if (state === 'idle') {
              timing['iopub.status.idle'] = now;
              idle = true;
            }
          } else if (t === 'execute_input') {
            timing['iopub.execute_input'] = now;
          } else {
            options.collector.handle(m);
          }
        } else if (m.channel === 'shell' && m.header.msg_type === 'execute_reply') {
          reply = m.content;
          timing['shell.execute_reply'] = now;
          const started = (m.metadata as any)?.started;
          if (typeof started === 'string') timing['shell.execute_reply.started'] = started;
          if (!idle) timers.push(setTimeout(settled, iopubTimeoutMs));
        }
        if (reply && idle) settled();
      });
      if (this.dead !== undefined) return onDeath(this.dead);
      this.deathWaiters.add(onDeath);
      if (Number.isFinite(options.timeoutMs)) {
        timers.push(
          setTimeout(() => {
            if (reply) return; // Only waiting for idle: not a timeout of the cell.
            timedOut = true;
            void this.interrupt();
            timers.push(
              setTimeout(() => {
                killed = true;
                this.lifecycle.kill();
              }, graceMs),
            );
          }, Math.max(0, options.timeoutMs)),
        );
      }
      this.transport.send('shell', msg).catch(() => {});
    });
  }

  /** Interrupts the running cell the way the kernelspec asks (tslab: SIGINT). */
  async interrupt(): Promise<void> {
    if (this.options.interruptMode === 'message') {
      await this.transport.send('control', createMessage('interrupt_request', {}, this.session)).catch(() => {});
    } else {
      this.lifecycle.interruptSignal();
    }
  }

  /** True once the kernel process has ended. */
  get isDead(): boolean {
    return this.dead !== undefined;
  }

  /** Asks the kernel to shut down (control channel), waits up to `graceMs`, then kills it. */
  async shutdown(graceMs = 2000): Promise<void> {
    if (this.dead === undefined) {
      const msg = createMessage('shutdown_request', { restart: false }, this.session);
      await this.transport.send('control', msg).catch(() => {});
      await Promise.race([this.lifecycle.exited, new Promise((r) => setTimeout(r, graceMs).unref())]);
    }
    this.lifecycle.kill();
    this.transport.close();
  }
}
