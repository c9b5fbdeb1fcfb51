/**
 * Turning iopub messages into nbformat outputs, like nbclient: streams merged, clear_output
 * (with wait) honoured, and update_display_data applied to every output carrying that display
 * id, in any cell. Pure: fed messages, no sockets.
 */
import { DisplayDataOutput, ExecuteResultOutput, Output, splitLines, StreamOutput, joinSource } from '../document/nbformat';
import { JupyterMessage } from './wire';

/**
 * The fields of iopub output messages (stream, display_data, execute_result, update_display_data,
 * error, clear_output) that the collector reads. All optional: kernels differ in what they send.
 */
interface OutputContent {
  name?: string;
  text?: unknown;
  data?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  transient?: { display_id?: string };
  execution_count?: number | null;
  ename?: unknown;
  evalue?: unknown;
  traceback?: unknown[];
  wait?: boolean;
}

/** How notes the runner adds to a cell's outputs begin (so they are not read as the kernel's). */
const NOTE_PREFIX = 'digit-lab: ';

/**
 * The note for a cell whose idle status never came: the kernel's output channel lost messages.
 * tslab loses everything it writes after about 500 messages sent without a pause (its ZeroMQ
 * library sends at most 512 messages at once, then refuses more until the event loop turns, and
 * console.log swallows the refusal), so a cell printing thousands of lines in a loop keeps ~500.
 */
export function lostOutputNote(waitedMs: number): StreamOutput {
  const text =
    `${NOTE_PREFIX}the kernel did not report this cell done within ${waitedMs / 1000} s of its reply and last output: ` +
    'messages it sent at the end were lost, so the output above may be incomplete (stock tslab drops output written ' +
    'without a pause beyond about 500 lines or displays; the tslab digit-lab starts does not).\n';
  return { output_type: 'stream', name: 'stderr', text: [text] };
}

/** True for a note the runner added (lostOutputNote), not output of the kernel. */
export function isRunnerNote(output: Output): boolean {
  return output.output_type === 'stream' && joinSource(output.text).startsWith(NOTE_PREFIX);
}

/** Outputs by display id, shared by all cells of one run so later cells can update earlier ones. */
export class DisplayRegistry {
  private readonly byId = new Map<string, Array<DisplayDataOutput | ExecuteResultOutput>>();

  register(id: string, output: DisplayDataOutput | ExecuteResultOutput): void {
    const list = this.byId.get(id) ?? [];
    list.push(output);
    this.byId.set(id, list);
  }

  /** Replaces data and metadata of every output shown under `id` (unknown ids are ignored, as in nbclient). */
  update(id: string, data: Record<string, unknown>, metadata: Record<string, unknown>): void {
    for (const out of this.byId.get(id) ?? []) {
      out.data = data;
      out.metadata = metadata;
    }
  }

  /** Forgets outputs that were cleared so later updates do not resurrect them. */
  forget(outputs: Output[]): void {
    for (const [id, list] of this.byId) {
      const kept = list.filter((o) => !outputs.includes(o));
      if (kept.length) this.byId.set(id, kept);
      else this.byId.delete(id);
    }
  }
}

/** Collects the outputs of one cell from its iopub messages. */
export class OutputCollector {
  readonly outputs: Output[] = [];
  private clearPending = false;

  constructor(private readonly displays: DisplayRegistry, private readonly onOutput?: (output: Output) => void) {}

  /** Applies one iopub message (messages of other types are ignored). */
  handle(msg: JupyterMessage): void {
    const c = msg.content as OutputContent;
    switch (msg.header.msg_type) {
      case 'stream':
        this.addStream(c.name === 'stderr' ? 'stderr' : 'stdout', String(c.text ?? ''));
        break;
      case 'display_data':
        this.addDisplay({ output_type: 'display_data', data: c.data ?? {}, metadata: c.metadata ?? {} }, c.transient?.display_id);
        break;
      case 'execute_result':
        this.addDisplay(
          { output_type: 'execute_result', execution_count: c.execution_count ?? null, data: c.data ?? {}, metadata: c.metadata ?? {} },
          c.transient?.display_id,
        );
        break;
      case 'update_display_data':
        if (c.transient?.display_id) this.displays.update(c.transient.display_id, c.data ?? {}, c.metadata ?? {});
        break;
      case 'error':
        this.push({ output_type: 'error', ename: String(c.ename ?? 'Error'), evalue: String(c.evalue ?? ''), traceback: (c.traceback ?? []).map(String) });
        break;
      case 'clear_output':
        if (c.wait) this.clearPending = true;
        else this.clear();
        break;
    }
  }

  /** Appends an output produced by the runner itself (e.g. a timeout or a synthesised error). */
  append(output: Output): void {
    this.push(output);
  }

  private clear(): void {
    this.displays.forget(this.outputs);
    this.outputs.length = 0;
    this.clearPending = false;
  }

  private push(output: Output): void {
    if (this.clearPending) this.clear();
    this.outputs.push(output);
    this.onOutput?.(output);
  }

  private addStream(name: 'stdout' | 'stderr', text: string): void {
    if (this.clearPending) this.clear();
    const last = this.outputs[this.outputs.length - 1];
    if (last && last.output_type === 'stream' && last.name === name) {
      last.text = splitLines(joinSource(last.text) + text);
      this.onOutput?.({ output_type: 'stream', name, text });
      return;
    }
    const out: StreamOutput = { output_type: 'stream', name, text: splitLines(text) };
    this.push(out);
  }

  private addDisplay(output: DisplayDataOutput | ExecuteResultOutput, displayId?: string): void {
    this.push(output);
    if (displayId) this.displays.register(displayId, output);
  }
}
