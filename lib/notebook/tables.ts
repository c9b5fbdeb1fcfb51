/**
 * Tables as styled HTML (and aligned plain text) from danfojs DataFrames/Series or arrays of row
 * objects. danfojs is not imported: anything with `columns` and `values` (and maybe `index`) works,
 * which keeps this module light and independent of danfojs' tfjs alias.
 */
import { escapeHtml, formatNumber, formatPercent, styleAttr } from './html';
import { VIZ_CSS, VIZ_FONT } from './theme';

/** What a danfojs DataFrame or Series looks like to us. */
export interface DataFrameLike {
  columns: string[];
  values: unknown[] | unknown[][];
  index?: (string | number)[];
  $isSeries?: boolean;
}

/** A danfo.js DataFrame or Series, or rows as plain objects (any interface type, e.g. ModelSummaryRow). */
export type TableInput = DataFrameLike | readonly object[];

export interface TableOptions {
  caption?: string;
  /** Show the index column (default: only when a DataFrame's index is not 0..n-1). */
  index?: boolean;
  /** Name of the index column header. */
  indexName?: string;
  /** Which columns, in which order (default: all). */
  columns?: string[];
  /** Decimals for non-integer numbers (default 4). */
  decimals?: number;
  /** Columns holding fractions 0..1 to show as percentages. */
  percentColumns?: string[];
  /** Decimals for percentage columns (default 2). */
  percentDecimals?: number;
  /** Longer tables show the first and last rows around a "… n more rows …" line (default 60). */
  maxRows?: number;
}

interface NormalTable {
  columns: string[];
  rows: unknown[][];
  index: (string | number)[] | null;
}

function isDataFrameLike(input: unknown): input is DataFrameLike {
  return typeof input === 'object' && input !== null && !Array.isArray(input) && Array.isArray((input as DataFrameLike).columns) && Array.isArray((input as DataFrameLike).values);
}

/** Brings DataFrames, Series and row objects to one shape: columns, rows and maybe an index. */
export function normalizeTable(input: TableInput, options: TableOptions = {}): NormalTable {
  let columns: string[];
  let rows: unknown[][];
  let index: (string | number)[] | null = null;
  if (isDataFrameLike(input)) {
    const series = input.$isSeries === true || (input.values.length > 0 && !Array.isArray(input.values[0]));
    columns = series ? [input.columns[0] ?? 'value'] : [...input.columns];
    rows = series ? input.values.map((v) => [v]) : (input.values as unknown[][]).map((r) => [...r]);
    const idx = input.index ?? [];
    const isDefault = idx.every((v, i) => v === i || v === String(i));
    const showIndex = options.index ?? !isDefault;
    index = showIndex && idx.length === rows.length ? idx : null;
  } else if (Array.isArray(input)) {
    columns = [];
    input.forEach((row, i) => {
      if (typeof row !== 'object' || row === null || Array.isArray(row)) {
        throw new Error(`viz: table row ${i} is ${Array.isArray(row) ? 'an array' : typeof row}, expected an object of column values`);
      }
      for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
    });
    rows = input.map((row) => columns.map((c) => row[c]));
    if (options.index) index = input.map((_, i) => i);
  } else {
    throw new Error('viz: a table needs a danfojs DataFrame/Series or an array of row objects');
  }
  if (options.columns) {
    const picks = options.columns.map((c) => {
      const k = columns.indexOf(c);
      if (k < 0) throw new Error(`viz: column "${c}" is not in the table (columns: ${columns.join(', ')})`);
      return k;
    });
    rows = rows.map((r) => picks.map((k) => r[k]));
    columns = options.columns.slice();
  }
  return { columns, rows, index };
}

/** Formats one cell's value as display text. */
export function formatCell(value: unknown, column: string, options: TableOptions = {}): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    return options.percentColumns?.includes(column) ? formatPercent(value, options.percentDecimals ?? 2) : formatNumber(value, options.decimals ?? 4);
  }
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return `[${value.map((v) => (v === null ? 'null' : typeof v === 'object' ? JSON.stringify(v) : String(v))).join(', ')}]`;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Rows to show: all, or head and tail around a gap marker (null). */
function visibleRows(count: number, maxRows: number): (number | null)[] {
  if (count <= maxRows) return Array.from({ length: count }, (_, i) => i);
  const head = Math.ceil(maxRows / 2);
  const tail = maxRows - head;
  return [...Array.from({ length: head }, (_, i) => i), null, ...Array.from({ length: tail }, (_, i) => count - tail + i)];
}

const CELL = { padding: '4px 10px', 'border-bottom': `1px solid ${VIZ_CSS.border}`, 'white-space': 'nowrap' };
const TEXT_CELL = { 'white-space': 'normal', 'overflow-wrap': 'anywhere', 'max-width': '42em' };

/**
 * A styled HTML table (inline styles, so it looks the same in Jupyter Lab, classic Notebook and
 * the HTML export; colours from the host's theme, see VIZ_CSS). Numbers are right-aligned with
 * tabular figures. Every cell sets its text colour: hosts style table rows of their own (JupyterLab
 * stripes them), and a cell's colour must belong to the same theme as its background.
 */
export function dataFrameHtml(input: TableInput, options: TableOptions = {}): string {
  const table = normalizeTable(input, options);
  const numeric = table.columns.map((_, k) => table.rows.length > 0 && table.rows.every((r) => r[k] === null || r[k] === undefined || typeof r[k] === 'number'));
  const th = (content: string, align: string) =>
    `<th style="${styleAttr({ ...CELL, 'text-align': align, 'font-weight': 600, color: VIZ_CSS.text, background: VIZ_CSS.headerBackground, 'border-bottom': `2px solid ${VIZ_CSS.strongBorder}` })}">${escapeHtml(content)}</th>`;
  const header = [
    table.index ? th(options.indexName ?? '', 'left') : '',
    ...table.columns.map((c, k) => th(c, numeric[k] ? 'right' : 'left')),
  ].join('');
  const width = table.columns.length + (table.index ? 1 : 0);
  const body = visibleRows(table.rows.length, options.maxRows ?? 60).map((i, n) => {
    if (i === null) {
      const hidden = table.rows.length - (options.maxRows ?? 60);
      // Main text colour, in italics: JupyterLab's grey text measures 4.2:1 on its light stripe.
      return `<tr><td colspan="${width}" style="${styleAttr({ ...CELL, 'text-align': 'center', 'font-style': 'italic', color: VIZ_CSS.text, background: VIZ_CSS.background })}">… ${hidden} more rows …</td></tr>`;
    }
    // Both row colours set: a host's own odd/even stripes must not pair with ours (dark on light).
    const bg = n % 2 === 1 ? VIZ_CSS.stripe : VIZ_CSS.background;
    // Long text (reasons, paths, notes) wraps instead of pushing the table off the page.
    const cells = table.rows[i].map((v, k) =>
      `<td style="${styleAttr({ ...CELL, ...(numeric[k] ? {} : TEXT_CELL), 'text-align': numeric[k] ? 'right' : 'left', color: VIZ_CSS.text, background: bg })}">${escapeHtml(formatCell(v, table.columns[k], options))}</td>`);
    const indexCell = table.index
      ? `<th style="${styleAttr({ ...CELL, 'text-align': 'left', 'font-weight': 600, color: VIZ_CSS.text, background: bg })}">${escapeHtml(table.index[i])}</th>`
      : '';
    return `<tr>${indexCell}${cells.join('')}</tr>`;
  });
  const caption = options.caption
    ? `<caption style="${styleAttr({ 'caption-side': 'top', 'text-align': 'left', 'font-weight': 600, padding: '4px 0 6px', color: VIZ_CSS.text })}">${escapeHtml(options.caption)}</caption>`
    : '';
  const tableStyle = styleAttr({
    'border-collapse': 'collapse',
    'font-family': VIZ_FONT,
    'font-size': '13px',
    'font-variant-numeric': 'tabular-nums',
    color: VIZ_CSS.text,
    margin: '4px 0',
  });
  return `<div class="digit-lab-table" style="overflow-x:auto"><table style="${tableStyle}">${caption}<thead><tr>${header}</tr></thead><tbody>${body.join('')}</tbody></table></div>`;
}

/** The same table as aligned plain text (the `text/plain` part of a table output). */
export function tableText(input: TableInput, options: TableOptions = {}): string {
  const table = normalizeTable(input, options);
  const header = [...(table.index ? [options.indexName ?? ''] : []), ...table.columns];
  const lines = visibleRows(table.rows.length, options.maxRows ?? 60).map((i) =>
    i === null ? null : [...(table.index ? [String(table.index[i])] : []), ...table.rows[i].map((v, k) => formatCell(v, table.columns[k], options))]);
  const widths = header.map((h, k) => Math.max(h.length, ...lines.map((l) => (l ? l[k].length : 0))));
  const fmt = (cells: string[]) => cells.map((c, k) => c.padStart(widths[k])).join('  ').replace(/\s+$/, '');
  const out = [fmt(header), ...lines.map((l) => (l ? fmt(l) : `… ${table.rows.length - (options.maxRows ?? 60)} more rows …`))];
  return (options.caption ? `${options.caption}\n` : '') + out.join('\n');
}
