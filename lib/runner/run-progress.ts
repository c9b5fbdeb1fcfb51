/**
 * What the runner shows while it works: a progress bar (cells done / total, current cell, elapsed)
 * on a TTY, nothing otherwise; with --log-output, each cell's output streamed as it arrives.
 */
import { SingleBar } from 'cli-progress';
import { RunnerEvent } from './executor';
import { joinSource, Output } from './document/nbformat';

export interface ProgressOptions {
  /** Where progress and logged output go (default process.stderr). */
  stream?: NodeJS.WriteStream | NodeJS.WritableStream;
  /** Draw a bar (default: when the stream is a TTY and logOutput is off). */
  bar?: boolean;
  logOutput?: boolean;
}

/** First line of a cell's source, shortened for a status line. */
export function cellLabel(source: string, width = 40): string {
  const line = source.split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
  return line.length > width ? line.slice(0, width - 1) + '…' : line;
}

function outputText(output: Output): string {
  switch (output.output_type) {
    case 'stream':
      return joinSource(output.text);
    case 'error':
      return (output.traceback.length ? output.traceback : [`${output.ename}: ${output.evalue}`]).join('\n') + '\n';
    default: {
      const plain = output.data['text/plain'];
      const text = typeof plain === 'string' || Array.isArray(plain) ? joinSource(plain as string | string[]) : `[${Object.keys(output.data).join(', ')}]`;
      return text.endsWith('\n') ? text : text + '\n';
    }
  }
}

/** Returns an event handler for executeNotebook's onEvent, plus stop() to clear the bar. */
export function createProgressReporter(options: ProgressOptions = {}): { onEvent: (e: RunnerEvent) => void; stop: () => void } {
  const stream = options.stream ?? process.stderr;
  const isTty = !!(stream as NodeJS.WriteStream).isTTY;
  const useBar = options.bar ?? (isTty && !options.logOutput);
  let bar: SingleBar | undefined;
  const stop = () => {
    bar?.stop();
    bar = undefined;
  };
  const onEvent = (e: RunnerEvent) => {
    // A kernel can take seconds to start (tslab compiles TypeScript); say so rather than sit silent.
    if (e.type === 'kernel-starting' && (useBar || options.logOutput)) {
      stream.write(`starting kernel ${e.kernel}…${useBar ? '\r' : '\n'}`);
    } else if (e.type === 'start' && useBar) {
      bar = new SingleBar({
        stream: stream as NodeJS.WriteStream,
        format: 'cells {bar} {value}/{total} | {duration_formatted} | {cell}',
        hideCursor: true,
        clearOnComplete: true,
        noTTYOutput: false,
      });
      bar.start(e.total, 0, { cell: '' });
    } else if (e.type === 'cell-start') {
      bar?.update(e.ordinal - 1, { cell: `${e.label}: ${cellLabel(e.source)}` });
      if (options.logOutput) stream.write(`--- ${e.label} (${e.ordinal}/${e.total}): ${cellLabel(e.source, 60)}\n`);
    } else if (e.type === 'output' && options.logOutput) {
      stream.write(outputText(e.output));
    } else if (e.type === 'cell-end') {
      bar?.update(e.ordinal);
      if (options.logOutput && e.status !== 'ok') stream.write(`--- ${e.label}: ${e.status} after ${e.seconds.toFixed(2)} s\n`);
    } else if (e.type === 'end') {
      stop();
    }
  };
  return { onEvent, stop };
}
