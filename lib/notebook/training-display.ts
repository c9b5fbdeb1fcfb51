/**
 * Live training progress in a notebook cell: one output that is redrawn in place (Jupyter's
 * update_display_data with a display_id, which tslab's writer supports) as batches and epochs go
 * by. Outside a kernel it prints one line per epoch instead of redrawing.
 */
import { formatDuration } from '../common/format';
import type { EpochRecord } from '../model/train-progress';
import { type DisplayEnvironment, displayEnvironment, newDisplayId, sendBundle } from './display';
import { escapeHtml, formatPercent, styleAttr } from './html';
import { dataFrameHtml, tableText } from './tables';
import { VIZ_COLORS, VIZ_CSS, VIZ_FONT, withThemeStyle } from './theme';

/**
 * The training events we draw; trainModel's `onProgress` events fit this shape (kinds 'start',
 * 'augment', 'batch', 'epoch', 'end'). Unknown kinds are ignored.
 */
export interface TrainingProgressEventLike {
  kind: string;
  epoch?: number;
  epochs?: number;
  batch?: number;
  batches?: number;
  batchesPerEpoch?: number;
  loss?: number;
  acc?: number;
  examplesPerSec?: number;
  trainExamples?: number;
  validationExamples?: number;
  copy?: number;
  copies?: number;
  done?: number;
  total?: number;
  record?: EpochRecord;
  improved?: boolean;
  stoppedEarly?: boolean;
  bestEpoch?: number;
  restoredBest?: boolean;
}

export interface TrainingProgressOptions {
  title?: string;
  /** Redraw at most this often for batch events (default 500 ms); other events redraw at once. */
  minIntervalMs?: number;
  /** Clock, for tests. */
  now?: () => number;
  /** Where to show it (default: found per event, as displayBundle does). */
  environment?: () => DisplayEnvironment;
}

interface ProgressState {
  title: string;
  status: string;
  epochs?: number;
  epochFraction?: number;
  overallFraction?: number;
  running?: { loss?: number; acc?: number; examplesPerSec?: number; elapsed?: string };
  records: EpochRecord[];
  done: boolean;
  footer?: string;
}

function bar(fraction: number, color: string): string {
  const pct = Math.round(Math.min(1, Math.max(0, fraction)) * 1000) / 10;
  return `<div style="${styleAttr({ background: VIZ_CSS.border, 'border-radius': '3px', height: '8px', width: '360px', 'max-width': '100%', margin: '3px 0' })}">` +
    `<div style="${styleAttr({ background: color, 'border-radius': '3px', height: '8px', width: `${pct}%` })}"></div></div>`;
}

const HISTORY_COLUMNS = ['epoch', 'loss', 'acc', 'valLoss', 'valAcc', 'lr', 'seconds', 'examplesPerSec'];

function historyRows(records: EpochRecord[]): Record<string, unknown>[] {
  return records.map((r) => {
    const row: Record<string, unknown> = {};
    for (const c of HISTORY_COLUMNS) row[c] = (r as unknown as Record<string, unknown>)[c];
    if (typeof row.examplesPerSec === 'number') row.examplesPerSec = Math.round(row.examplesPerSec);
    return row;
  });
}

/** The progress output as HTML. */
export function renderProgressHtml(state: ProgressState): string {
  const parts = [`<div style="${styleAttr({ 'font-weight': 600, 'margin-bottom': '2px', color: VIZ_CSS.text })}">${escapeHtml(state.title)}</div>`];
  parts.push(`<div style="${styleAttr({ color: VIZ_CSS.text })}">${escapeHtml(state.status)}</div>`);
  if (state.epochFraction !== undefined && !state.done) parts.push(bar(state.epochFraction, VIZ_COLORS.train));
  if (state.overallFraction !== undefined) parts.push(bar(state.overallFraction, VIZ_COLORS.test));
  const r = state.running;
  if (r && !state.done) {
    const bits = [
      r.loss !== undefined ? `loss ${r.loss.toFixed(4)}` : '',
      r.acc !== undefined ? `accuracy ${formatPercent(r.acc)}` : '',
      r.examplesPerSec !== undefined ? `${Math.round(r.examplesPerSec)} examples/s` : '',
      r.elapsed !== undefined ? `elapsed ${r.elapsed}` : '',
    ].filter(Boolean);
    if (bits.length) parts.push(`<div style="${styleAttr({ color: VIZ_CSS.subtleText })}">${escapeHtml(bits.join(' · '))}</div>`);
  }
  if (state.records.length > 0) {
    const present = HISTORY_COLUMNS.filter((c) => state.records.some((rec) => (rec as unknown as Record<string, unknown>)[c] !== undefined));
    parts.push(dataFrameHtml(historyRows(state.records), { columns: present, percentColumns: ['acc', 'valAcc'], decimals: 4 }));
  }
  if (state.footer) parts.push(`<div style="${styleAttr({ color: VIZ_CSS.subtleText })}">${escapeHtml(state.footer)}</div>`);
  return `<div class="digit-lab-progress" style="${styleAttr({ 'font-family': VIZ_FONT, 'font-size': '13px', color: VIZ_CSS.text })}">${parts.join('')}</div>`;
}

/** The progress output as plain text (also the text/plain part of the bundle). */
export function renderProgressText(state: ProgressState): string {
  const lines = [state.title, state.status];
  if (state.records.length > 0) {
    const present = HISTORY_COLUMNS.filter((c) => state.records.some((rec) => (rec as unknown as Record<string, unknown>)[c] !== undefined));
    lines.push(tableText(historyRows(state.records), { columns: present, percentColumns: ['acc', 'valAcc'] }));
  }
  if (state.footer) lines.push(state.footer);
  return lines.join('\n');
}

/** Elapsed milliseconds as "12.3 s" under a minute, "2 min 05 s" above (a fixed width while it ticks). */
export function formatElapsed(ms: number): string {
  return formatDuration(ms / 1000, { padSeconds: true, milliseconds: false });
}

function epochLine(r: EpochRecord, epochs?: number): string {
  const bits = [
    `epoch ${r.epoch}${epochs ? `/${epochs}` : ''}`,
    `loss ${r.loss.toFixed(4)}`,
    `acc ${formatPercent(r.acc)}`,
    r.valLoss !== undefined ? `val_loss ${r.valLoss.toFixed(4)}` : '',
    r.valAcc !== undefined ? `val_acc ${formatPercent(r.valAcc)}` : '',
    r.seconds !== undefined ? `${r.seconds.toFixed(1)} s` : '',
  ];
  return bits.filter(Boolean).join(' · ');
}

/**
 * Returns an `onProgress` callback for trainModel that keeps one live output up to date: status,
 * a bar for the current epoch and one for the whole run, running loss/accuracy, and a table of
 * finished epochs.
 */
export function trainingProgressDisplay(options: TrainingProgressOptions = {}): (event: TrainingProgressEventLike) => void {
  const now = options.now ?? (() => Date.now());
  const environment = options.environment ?? displayEnvironment;
  const minInterval = options.minIntervalMs ?? 500;
  const displayId = newDisplayId();
  const state: ProgressState = { title: options.title ?? 'Training', status: 'starting…', records: [], done: false };
  let shown = false;
  let lastDraw = -Infinity;
  let startedAt: number | null = null;
  const elapsed = () => formatElapsed(now() - (startedAt ?? now()));

  const draw = (env: DisplayEnvironment) => {
    sendBundle({ 'text/html': withThemeStyle(renderProgressHtml(state)), 'text/plain': renderProgressText(state) }, { displayId, update: shown }, env);
    shown = true;
    lastDraw = now();
  };

  return (event: TrainingProgressEventLike) => {
    const env = environment();
    const text = env.kind === 'text';
    if (startedAt === null) startedAt = now();
    switch (event.kind) {
      case 'start':
        state.epochs = event.epochs;
        state.status = `${event.trainExamples ?? '?'} training examples${event.validationExamples ? `, ${event.validationExamples} for validation` : ''}; ${event.epochs ?? '?'} epochs of ${event.batchesPerEpoch ?? '?'} batches`;
        state.overallFraction = 0;
        if (text) env.print(`${state.title}: ${state.status}`);
        else draw(env);
        return;
      case 'augment': {
        state.status = `augmenting: copy ${event.copy}/${event.copies}, ${event.done}/${event.total} images`;
        state.epochFraction = event.total ? (event.done ?? 0) / event.total : undefined;
        if (!text && now() - lastDraw >= minInterval) draw(env);
        return;
      }
      case 'batch': {
        const epochs = event.epochs ?? state.epochs;
        state.epochs = epochs;
        state.status = `epoch ${event.epoch}${epochs ? `/${epochs}` : ''} · batch ${event.batch}/${event.batches}`;
        state.epochFraction = event.batches ? (event.batch ?? 0) / event.batches : undefined;
        if (epochs && event.epoch !== undefined && state.epochFraction !== undefined) {
          state.overallFraction = (event.epoch - 1 + state.epochFraction) / epochs;
        }
        state.running = { loss: event.loss, acc: event.acc, examplesPerSec: event.examplesPerSec, elapsed: elapsed() };
        if (!text && now() - lastDraw >= minInterval) draw(env);
        return;
      }
      case 'epoch': {
        if (!event.record) return;
        state.epochs = event.epochs ?? state.epochs;
        state.records.push(event.record);
        state.status = `finished epoch ${event.record.epoch}${state.epochs ? `/${state.epochs}` : ''}${event.improved ? ' (best so far)' : ''}`;
        state.epochFraction = 1;
        if (state.epochs) state.overallFraction = event.record.epoch / state.epochs;
        if (text) env.print(epochLine(event.record, state.epochs));
        else draw(env);
        return;
      }
      case 'end': {
        state.done = true;
        state.overallFraction = 1;
        state.status = `done after ${state.records.length} epoch${state.records.length === 1 ? '' : 's'} in ${elapsed()}${event.stoppedEarly ? ' (stopped early)' : ''}`;
        if (event.bestEpoch !== undefined && event.restoredBest) state.footer = `weights restored from the best epoch, ${event.bestEpoch}`;
        if (text) env.print(`${state.title}: ${state.status}`);
        else draw(env);
        return;
      }
      default:
        return;
    }
  };
}
