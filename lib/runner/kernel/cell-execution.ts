/**
 * One execute_request in flight: it reads the iopub and shell messages that answer the request,
 * records nbclient-style timing, and decides when the request is over: reply received AND idle
 * status seen, the cell's time limit passed, or the kernel died. It owns no sockets and no
 * process; the KernelClient routes messages here and supplies how to interrupt and kill.
 */
import { lostOutputNote, OutputCollector } from './output-collector';
import { JupyterMessage } from './wire';

/** The parts of an execute_reply's content the runner reads (kernels may send more). */
export interface ExecuteReplyContent {
  /** 'ok', 'error', or 'abort'/'aborted' (tslab, for requests that arrive just after an error). */
  status?: string;
  /** Absent in tslab's abort replies. */
  execution_count?: number | null;
  ename?: string;
  evalue?: string;
  traceback?: string[];
  [key: string]: unknown;
}

/** The content of an iopub `status` message. */
interface StatusContent {
  execution_state?: string;
}

/** How one execute_request ended. */
export interface CellRunResult {
  status: 'ok' | 'error' | 'abort' | 'timeout' | 'dead';
  reply?: ExecuteReplyContent;
  executionCount: number | null;
  /** nbclient-style timestamps (ISO 8601) keyed like `iopub.status.busy`. */
  timing: Record<string, string>;
  /** True when the kernel had to be killed (timeout without response to the interrupt). */
  killed: boolean;
  /** How the kernel ended, when status is 'dead'. */
  deathDetail?: string;
}

/** What an execution needs from the client that runs it. */
export interface ExecutionControls {
  /** How long to wait for iopub idle after execute_reply (outputs may lag the reply). */
  iopubTimeoutMs: number;
  /** How long an interrupted cell gets to finish before the kernel is killed. */
  interruptGraceMs: number;
  interrupt(): void;
  kill(): void;
  /** Called once, when the result is known (the client stops routing messages here). */
  onFinish(): void;
}

/** How long to keep reading messages after the kernel process ended. */
const DEATH_DRAIN_MS = 100;

/** The state of one cell execution; `result` resolves once when it is over. */
export class CellExecution {
  readonly result: Promise<CellRunResult>;
  private resolveResult!: (result: CellRunResult) => void;
  private reply: ExecuteReplyContent | undefined;
  private idle = false;
  private timedOut = false;
  private killed = false;
  private finished = false;
  private readonly timing: Record<string, string> = {};
  private readonly timers: NodeJS.Timeout[] = [];
  private idleWait: NodeJS.Timeout | undefined;

  constructor(
    private readonly collector: OutputCollector,
    private readonly controls: ExecutionControls,
  ) {
    this.result = new Promise((resolve) => (this.resolveResult = resolve));
  }

  /** Applies one message whose parent is this request. */
  handle(msg: JupyterMessage): void {
    const time = kernelTime(msg);
    if (msg.channel === 'iopub') this.onIopub(msg, time);
    else if (msg.channel === 'shell' && msg.header.msg_type === 'execute_reply') this.onReply(msg, time);
    if (this.reply && this.idle) this.settle();
  }

  /** Starts the cell's time limit: interrupt when it passes, kill if the interrupt goes unanswered. */
  limitTime(timeoutMs: number): void {
    if (Number.isFinite(timeoutMs)) this.after(Math.max(0, timeoutMs), () => this.onTimeLimit());
  }

  /** The kernel process ended. Outputs sent just before may still be in the socket: drain briefly. */
  kernelDied(detail: string): void {
    this.after(DEATH_DRAIN_MS, () => this.finish(this.timedOut ? 'timeout' : 'dead', detail));
  }

  private onIopub(msg: JupyterMessage, time: string): void {
    // Output still arriving after the reply: the kernel is busy sending, not lost; wait on.
    if (this.reply && !this.idle) this.waitForIdle();
    switch (msg.header.msg_type) {
      case 'status':
        this.onStatus((msg.content as StatusContent).execution_state, time);
        break;
      case 'execute_input':
        this.timing['iopub.execute_input'] = time;
        break;
      default:
        this.collector.handle(msg);
    }
  }

  private onStatus(state: string | undefined, time: string): void {
    if (state === 'busy') this.timing['iopub.status.busy'] = time;
    if (state === 'idle') {
      this.timing['iopub.status.idle'] = time;
      this.idle = true;
    }
  }

  private onReply(msg: JupyterMessage, time: string): void {
    this.reply = msg.content as ExecuteReplyContent;
    this.timing['shell.execute_reply'] = time;
    const started = msg.metadata?.started;
    if (typeof started === 'string') this.timing['shell.execute_reply.started'] = started;
    if (!this.idle) this.waitForIdle();
  }

  /** Outputs and the idle status may lag the reply, but wait for them only so long after the last. */
  private waitForIdle(): void {
    if (this.idleWait) clearTimeout(this.idleWait);
    this.idleWait = setTimeout(() => this.settle(), this.controls.iopubTimeoutMs);
  }

  private onTimeLimit(): void {
    if (this.reply) return; // Only waiting for idle: not a timeout of the cell.
    this.timedOut = true;
    this.controls.interrupt();
    this.after(this.controls.interruptGraceMs, () => {
      this.killed = true;
      this.controls.kill();
    });
  }

  private settle(): void {
    // A kernel always follows its reply with an idle status on iopub. When that never came, the
    // channel lost messages at the end of the cell, and perhaps some of its output with them
    // (tslab does when a cell writes much output at once): say so rather than look complete.
    if (this.reply && !this.idle) this.collector.append(lostOutputNote(this.controls.iopubTimeoutMs));
    this.finish(this.timedOut ? 'timeout' : replyStatus(this.reply));
  }

  private finish(status: CellRunResult['status'], deathDetail?: string): void {
    if (this.finished) return;
    this.finished = true;
    for (const timer of this.timers) clearTimeout(timer);
    if (this.idleWait) clearTimeout(this.idleWait);
    this.controls.onFinish();
    const reply = this.reply;
    const executionCount = typeof reply?.execution_count === 'number' ? reply.execution_count : null;
    this.resolveResult({ status, reply, executionCount, timing: this.timing, killed: this.killed, deathDetail });
  }

  private after(ms: number, fn: () => void): void {
    this.timers.push(setTimeout(fn, ms));
  }
}

/** The outcome a reply reports (the protocol spells it 'abort'; some kernels send 'aborted'). */
function replyStatus(reply: ExecuteReplyContent | undefined): 'ok' | 'error' | 'abort' {
  const status = reply?.status;
  if (status === 'ok') return 'ok';
  return status === 'abort' || status === 'aborted' ? 'abort' : 'error';
}

/** Like nbclient: the kernel's own timestamp, so the times do not include our queueing. */
function kernelTime(msg: JupyterMessage): string {
  return typeof msg.header.date === 'string' && msg.header.date ? msg.header.date : new Date().toISOString();
}
