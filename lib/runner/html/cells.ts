/** Cells to HTML: markdown, code (input + outputs, prompts, timing) and raw cells. */
import type { Cell, CodeCell, RawCell } from '../document/nbformat';
import { joinSource } from '../document/nbformat';
import { escapeHtml } from '../../common/html';
import { formatDuration } from '../../common/format';
import { highlightCode } from './highlight';
import { renderMarkdown } from './markdown';
import { coalesceStreams, OutputContext, renderOutput } from './outputs';

/** How cells are drawn on this page. */
export interface CellOptions {
  noInput: boolean;
  showPrompts: boolean;
  /** highlight.js language for code cells (from the notebook's language_info). */
  language: string;
}

/** Tags that hide parts of a cell, as in nbconvert's TagRemovePreprocessor and Jupyter Book. */
const REMOVE_CELL = ['remove-cell', 'remove_cell'];
const REMOVE_INPUT = ['remove-input', 'remove_input', 'hide-input', 'hide_input'];
const REMOVE_OUTPUT = ['remove-output', 'remove_output', 'hide-output', 'hide_output'];

function hasTag(cell: Cell, tags: string[]): boolean {
  const own = Array.isArray(cell.metadata?.tags) ? cell.metadata.tags : [];
  return own.some((tag) => tags.includes(tag));
}

/** The runner's record for a cell (`metadata.digit_lab`: status, duration), if any. */
function runnerRecord(cell: CodeCell): Record<string, unknown> {
  const record = cell.metadata?.['digit_lab'];
  return typeof record === 'object' && record !== null ? (record as Record<string, unknown>) : {};
}

/**
 * Seconds a cell took: the runner's `metadata.digit_lab.duration`, else nbclient-style
 * `metadata.execution` timestamps; null if unknown.
 */
export function cellDurationSeconds(cell: CodeCell): number | null {
  const recorded = runnerRecord(cell)['duration'];
  if (typeof recorded === 'number' && Number.isFinite(recorded) && recorded >= 0) return recorded;
  const execution = cell.metadata?.['execution'] as Record<string, unknown> | undefined;
  const start = Date.parse(String(execution?.['iopub.execute_input'] ?? execution?.['shell.execute_request'] ?? ''));
  const end = Date.parse(String(execution?.['shell.execute_reply'] ?? execution?.['iopub.status.idle'] ?? ''));
  return Number.isFinite(start) && Number.isFinite(end) && end >= start ? (end - start) / 1000 : null;
}

/** Words for the runner's cell statuses other than 'ok'. */
const STATUS_LABELS: Record<string, string> = {
  error: 'failed',
  timeout: 'timed out',
  dead: 'kernel died',
  skipped: 'skipped',
  'not-run': 'not run',
};

function prompt(label: string, count: number | null, extra = ''): string {
  const shown = count === null || count === undefined ? ' ' : String(count);
  return `<div class="prompt">${label}&nbsp;[${escapeHtml(shown)}]:${extra}</div>`;
}

function renderCodeCell(cell: CodeCell, index: number, options: CellOptions, ctx: OutputContext): string {
  const showInput = !options.noInput && !hasTag(cell, REMOVE_INPUT);
  const outputs = hasTag(cell, REMOVE_OUTPUT) ? [] : coalesceStreams(cell.outputs ?? []);
  if (!showInput && outputs.length === 0) return '';
  const prompts = options.showPrompts && !options.noInput;
  const failed = outputs.some((o) => o.output_type === 'error');
  let html = '';
  if (showInput) {
    const duration = cellDurationSeconds(cell);
    const status = String(runnerRecord(cell)['status'] ?? '');
    const label = STATUS_LABELS[status];
    const timing =
      (duration === null ? '' : `<span class="duration">${escapeHtml(formatDuration(duration))}</span>`) +
      (label ? `<span class="cell-status status-${escapeHtml(status)}">${escapeHtml(label)}</span>` : '');
    const code = highlightCode(joinSource(cell.source), options.language);
    html +=
      `<div class="input io">${prompts ? prompt('In', cell.execution_count, timing) : ''}` +
      `<div class="io-body"><pre><code class="hljs language-${escapeHtml(options.language)}">${code}</code></pre></div></div>`;
  }
  if (outputs.length > 0) {
    const rendered = outputs
      .map((output) => {
        const label = output.output_type === 'execute_result' && prompts ? prompt('Out', output.execution_count) : '';
        const spacer = prompts && !label ? '<div class="prompt"></div>' : '';
        return `<div class="output io">${label}${spacer}<div class="io-body">${renderOutput(output, ctx)}</div></div>`;
      })
      .join('');
    html += `<div class="outputs">${rendered}</div>`;
  }
  const classes = `cell code-cell${failed ? ' cell-failed' : ''}`;
  const count = cell.execution_count === null || cell.execution_count === undefined ? '' : ` data-execution-count="${escapeHtml(String(cell.execution_count))}"`;
  return `<section class="${classes}" id="cell-${index + 1}"${count}>${html}</section>`;
}

function renderRawCell(cell: RawCell, index: number): string {
  const mime = String(cell.metadata?.['raw_mimetype'] ?? cell.metadata?.['format'] ?? '').toLowerCase();
  const source = joinSource(cell.source);
  // As in nbconvert: raw HTML goes in as-is, raw cells meant for other formats are left out.
  if (mime === 'text/html') return `<section class="cell raw-cell" id="cell-${index + 1}">${source}</section>`;
  if (mime === '') return `<section class="cell raw-cell" id="cell-${index + 1}"><pre>${escapeHtml(source)}</pre></section>`;
  return '';
}

/** Renders one cell; hidden cells (tags, `noInput` with no outputs) give an empty string. */
export function renderCell(cell: Cell, index: number, options: CellOptions, ctx: OutputContext): string {
  if (hasTag(cell, REMOVE_CELL)) return '';
  switch (cell.cell_type) {
    case 'markdown': {
      const env = { ...ctx.markdown, attachments: cell.attachments };
      return `<section class="cell markdown-cell" id="cell-${index + 1}">${renderMarkdown(cell.source, env)}</section>`;
    }
    case 'code':
      return renderCodeCell(cell, index, options, ctx);
    case 'raw':
      return renderRawCell(cell, index);
    default:
      return '';
  }
}
