/**
 * A kernel double for message-level tests: a MessageTransport and KernelLifecycle that answer
 * execute requests with scripted iopub/shell messages, no sockets or processes.
 */
import { KernelClient, KernelLifecycle } from '../../../lib/runner/kernel/client';
import { RunningKernel } from '../../../lib/runner/kernel/launch';
import { KernelSpec } from '../../../lib/runner/kernel/kernelspec';
import { MessageTransport, SendChannel } from '../../../lib/runner/kernel/transport';
import { createMessage, JupyterMessage } from '../../../lib/runner/kernel/wire';

/** One scripted step: a message to deliver, a pause, the process ending, or silence (hang). */
export type Step =
  | { iopub: string; content: Record<string, unknown>; foreignParent?: boolean }
  | { reply: Record<string, unknown> }
  | { wait: number }
  | { exit: string }
  | { hang: true };

/** How the double answers one piece of code (also given what happened so far). */
export type Script = (code: string, kernel: ScriptedKernel) => Step[];

/** Typical answers. */
export const steps = {
  busy: (): Step => ({ iopub: 'status', content: { execution_state: 'busy' } }),
  idle: (): Step => ({ iopub: 'status', content: { execution_state: 'idle' } }),
  stdout: (text: string): Step => ({ iopub: 'stream', content: { name: 'stdout', text } }),
  stderr: (text: string): Step => ({ iopub: 'stream', content: { name: 'stderr', text } }),
  ok: (count: number): Step => ({ reply: { status: 'ok', execution_count: count } }),
  error: (count: number): Step => ({ reply: { status: 'error', execution_count: count } }),
  /** busy, the given steps, reply, idle: the usual shape of a cell. */
  cell: (count: number, body: Step[], status: 'ok' | 'error' | 'abort' = 'ok'): Step[] => [
    steps.busy(),
    ...body,
    { reply: { status, execution_count: status === 'abort' ? undefined : count } },
    steps.idle(),
  ],
};

export class ScriptedKernel implements MessageTransport, KernelLifecycle {
  readonly sent: Array<{ channel: SendChannel; msg: JupyterMessage }> = [];
  readonly signals: string[] = [];
  killed = false;
  interruptResponse: Step[] | undefined;
  exited: Promise<string>;
  private resolveExit!: (detail: string) => void;
  private alive = true;
  private listener: (msg: JupyterMessage) => void = () => {};
  private currentRequest: JupyterMessage | undefined;
  private count = 0;

  constructor(private readonly script: Script) {
    this.exited = new Promise((resolve) => (this.resolveExit = resolve));
  }

  get executionCount(): number {
    return this.count;
  }

  onMessage(listener: (msg: JupyterMessage) => void): void {
    this.listener = listener;
  }

  async send(channel: SendChannel, msg: JupyterMessage): Promise<void> {
    this.sent.push({ channel, msg });
    if (!this.alive) return;
    const type = msg.header.msg_type;
    if (type === 'kernel_info_request') {
      void this.play(msg, [steps.busy(), { reply: { implementation: 'scripted', language_info: { name: 'typescript' } } }, steps.idle()], 'kernel_info_reply');
    } else if (type === 'execute_request') {
      this.currentRequest = msg;
      this.count++;
      void this.play(msg, this.script(String((msg.content as any).code), this), 'execute_reply');
    } else if (type === 'shutdown_request') {
      this.exit('exit code 0');
    } else if (type === 'interrupt_request') {
      this.interruptSignal();
    }
  }

  async heartbeat(): Promise<boolean> {
    return this.alive;
  }

  close(): void {}

  isAlive(): boolean {
    return this.alive;
  }

  interruptSignal(): void {
    this.signals.push('SIGINT');
    if (this.interruptResponse && this.currentRequest) void this.play(this.currentRequest, this.interruptResponse, 'execute_reply');
  }

  kill(): void {
    this.killed = true;
    this.exit('killed by SIGKILL');
  }

  exit(detail: string): void {
    if (!this.alive) return;
    this.alive = false;
    this.resolveExit(detail);
  }

  private async play(parent: JupyterMessage, script: Step[], replyType: string): Promise<void> {
    for (const step of script) {
      await new Promise((r) => setImmediate(r));
      if (!this.alive) return;
      if ('wait' in step) await new Promise((r) => setTimeout(r, step.wait));
      else if ('hang' in step) return;
      else if ('exit' in step) return this.exit(step.exit);
      else if ('iopub' in step) this.deliver('iopub', step.iopub, step.content, step.foreignParent ? createMessage('execute_request', {}, 'other') : parent);
      else this.deliver('shell', replyType, step.reply, parent);
    }
  }

  private deliver(channel: 'iopub' | 'shell', type: string, content: Record<string, unknown>, parent: JupyterMessage): void {
    const msg = createMessage(type, content, 'kernel-session', parent.header);
    msg.channel = channel;
    this.listener(msg);
  }
}

/** A KernelClient on a scripted kernel. */
export function scriptedClient(script: Script, options: ConstructorParameters<typeof KernelClient>[2] = {}): { client: KernelClient; kernel: ScriptedKernel } {
  const kernel = new ScriptedKernel(script);
  return { client: new KernelClient(kernel, kernel, options), kernel };
}

/** A startKernel function for executeNotebook that runs on a scripted kernel. */
export function scriptedStarter(script: Script, onKernel?: (k: ScriptedKernel) => void) {
  return async (spec: KernelSpec, options: { interruptGraceMs?: number }): Promise<RunningKernel> => {
    const { client, kernel } = scriptedClient(script, { interruptGraceMs: options.interruptGraceMs, iopubTimeoutMs: 200 });
    onKernel?.(kernel);
    const info = await client.waitReady(1000);
    return { client, spec, info, close: () => client.shutdown(100) };
  };
}
