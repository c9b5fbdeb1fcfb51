/**
 * The protocol logic of talking to one kernel: readiness (kernel_info), executing a cell and
 * waiting for its reply and idle status, timeouts with interrupt then kill, death detection, and
 * shutdown. It sees the kernel only through a MessageTransport and a KernelLifecycle, so tests
 * drive it with scripted messages and no sockets or processes.
 */
import { randomUUID } from 'crypto';
import { CellExecution, CellRunResult } from './cell-execution';
import { OutputCollector } from './output-collector';
import { MessageTransport } from './transport';
import { createMessage, JupyterMessage } from './wire';

export type { CellRunResult, ExecuteReplyContent } from './cell-execution';

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

export interface KernelClientOptions {
  interruptMode?: 'signal' | 'message';
  /** How long to wait for iopub idle after execute_reply (outputs may lag the reply); default 4 s. */
  iopubTimeoutMs?: number;
  /** How long an interrupted cell gets to finish before the kernel is killed; default 5 s. */
  interruptGraceMs?: number;
}

const DEFAULT_IOPUB_TIMEOUT_MS = 4000;
const DEFAULT_INTERRUPT_GRACE_MS = 5000;

/** The content of an execute_request: run and record it, no stdin, queued cells not aborted on error. */
function executeRequestContent(code: string) {
  return { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: false };
}

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
    const request = createMessage('execute_request', executeRequestContent(code), this.session);
    const id = request.header.msg_id;
    const execution = new CellExecution(options.collector, {
      iopubTimeoutMs: this.options.iopubTimeoutMs ?? DEFAULT_IOPUB_TIMEOUT_MS,
      interruptGraceMs: this.options.interruptGraceMs ?? DEFAULT_INTERRUPT_GRACE_MS,
      interrupt: () => void this.interrupt(),
      kill: () => this.lifecycle.kill(),
      onFinish: () => {
        this.handlers.delete(id);
        this.deathWaiters.delete(onDeath);
      },
    });
    const onDeath = (detail: string) => execution.kernelDied(detail);
    this.handlers.set(id, (msg) => execution.handle(msg));
    if (this.dead !== undefined) {
      // A dead kernel answers nothing: report it without sending.
      onDeath(this.dead);
      return execution.result;
    }
    this.deathWaiters.add(onDeath);
    execution.limitTime(options.timeoutMs);
    this.transport.send('shell', request).catch(() => {});
    return execution.result;
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
