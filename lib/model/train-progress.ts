/**
 * Training progress: the events trainModel emits, and a console reporter that draws a cli-progress
 * bar within each epoch on a terminal and prints one compact line per epoch otherwise (logs, CI,
 * notebooks capturing stderr).
 */
import * as cliProgress from 'cli-progress';

/** One epoch's results, as kept in the training history. */
export interface EpochRecord {
  /** 1-based epoch number. */
  epoch: number;
  loss: number;
  acc: number;
  /** Absent when training without validation data. */
  valLoss?: number;
  valAcc?: number;
  /** Learning rate used during the epoch. */
  lr: number;
  /** Wall time of the epoch's training steps (validation excluded). */
  seconds: number;
  examplesPerSec: number;
}

/** What trainModel reports while it runs (passed to `onProgress`). */
export type TrainingEvent =
  | { kind: 'start'; epochs: number; batchesPerEpoch: number; trainExamples: number; validationExamples: number }
  | { kind: 'augment'; copy: number; copies: number; done: number; total: number }
  | {
      kind: 'batch';
      epoch: number;
      epochs: number;
      batch: number;
      batches: number;
      /** Running means over the epoch so far. */
      loss: number;
      acc: number;
      examplesPerSec: number;
    }
  | { kind: 'epoch'; epochs: number; record: EpochRecord; improved: boolean }
  | { kind: 'end'; stoppedEarly: boolean; bestEpoch: number; restoredBest: boolean };

/** How trainModel shows progress itself (independently of `onProgress`). */
export type ProgressMode = 'auto' | 'bar' | 'lines' | 'none';

/** A writable stream as far as reporting needs it (process.stderr, or a test double). */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Formats an epoch record as one compact line. */
export function formatEpochLine(record: EpochRecord, epochs: number): string {
  const parts = [
    `epoch ${record.epoch}/${epochs}`,
    `loss ${record.loss.toFixed(4)}`,
    `acc ${record.acc.toFixed(4)}`,
  ];
  if (record.valLoss !== undefined) parts.push(`val_loss ${record.valLoss.toFixed(4)}`);
  if (record.valAcc !== undefined) parts.push(`val_acc ${record.valAcc.toFixed(4)}`);
  parts.push(`lr ${record.lr.toPrecision(3)}`, `${record.seconds.toFixed(1)}s`, `${Math.round(record.examplesPerSec)} ex/s`);
  return parts.join('  ');
}

/**
 * Returns an event handler that shows progress on `stream` in the given mode ('auto' = a bar on
 * a TTY, lines otherwise), or undefined for 'none'. In line mode a long epoch also gets a
 * progress line every `lineIntervalSec` seconds (default 60), so a log shows the run is alive.
 */
export function consoleProgress(
  mode: ProgressMode, stream: ProgressStream = process.stderr, options: { lineIntervalSec?: number; now?: () => number } = {},
): ((e: TrainingEvent) => void) | undefined {
  if (mode === 'none') return undefined;
  const useBar = mode === 'bar' || (mode === 'auto' && stream.isTTY === true);
  const now = options.now ?? (() => performance.now() / 1000);
  const interval = options.lineIntervalSec ?? 60;
  let lastLine = now();
  let bar: cliProgress.SingleBar | undefined;
  return (event) => {
    switch (event.kind) {
      case 'start':
        stream.write(`training on ${event.trainExamples} examples` +
          (event.validationExamples > 0 ? `, validating on ${event.validationExamples}` : '') +
          `, ${event.batchesPerEpoch} batches per epoch\n`);
        break;
      case 'augment':
        if (event.done === event.total) stream.write(`augmented copy ${event.copy}/${event.copies} ready (${event.total} images)\n`);
        break;
      case 'batch':
        if (!useBar) {
          if (now() - lastLine >= interval && event.batch < event.batches) {
            lastLine = now();
            stream.write(`epoch ${event.epoch}/${event.epochs}  batch ${event.batch}/${event.batches}  loss ${event.loss.toFixed(4)}  ` +
              `acc ${event.acc.toFixed(4)}  ${Math.round(event.examplesPerSec)} ex/s\n`);
          }
          break;
        }
        if (bar === undefined) {
          bar = new cliProgress.SingleBar({
            stream: stream as NodeJS.WritableStream,
            format: 'epoch {ep} [{bar}] {value}/{total} loss {loss} acc {acc} {speed} ex/s eta {eta_formatted}',
            hideCursor: true,
            clearOnComplete: true,
            noTTYOutput: mode === 'bar',
          }, cliProgress.Presets.shades_classic);
          bar.start(event.batches, 0, { ep: `${event.epoch}/${event.epochs}`, loss: '-', acc: '-', speed: '-' });
        }
        bar.update(event.batch, {
          ep: `${event.epoch}/${event.epochs}`,
          loss: event.loss.toFixed(4),
          acc: event.acc.toFixed(4),
          speed: Math.round(event.examplesPerSec),
        });
        break;
      case 'epoch':
        bar?.stop();
        bar = undefined;
        lastLine = now();
        stream.write(formatEpochLine(event.record, event.epochs) + (event.improved ? '' : '  (no improvement)') + '\n');
        break;
      case 'end':
        bar?.stop();
        bar = undefined;
        if (event.stoppedEarly) stream.write(`stopped early; best epoch ${event.bestEpoch}${event.restoredBest ? ' restored' : ''}\n`);
        break;
    }
  };
}
