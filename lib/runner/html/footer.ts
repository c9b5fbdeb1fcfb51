/** The page footer: run metadata (kernel, versions, parameters, timings) as readable tables. */
import type { Notebook } from '../document/nbformat';
import { escapeHtml } from '../../common/html';
import { formatDuration, isDurationKey } from '../../common/format';

const MAX_DEPTH = 3;

/** `startedAt` / `started_at` -> `Started at`, so any key the executor records reads well. */
export function humanizeKey(key: string): string {
  const spaced = key
    .replace(/[_-]+/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .trim();
  return spaced ? spaced[0].toUpperCase() + spaced.slice(1) : key;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One value as HTML: scalars as text, short scalar lists joined, objects as nested tables. */
function renderValue(key: string, value: unknown, depth: number): string {
  if (value === null || value === undefined) return '<span class="none">—</span>';
  if (typeof value === 'string') return escapeHtml(value);
  if (typeof value === 'number' && isDurationKey(key) && Number.isFinite(value)) return escapeHtml(formatDuration(value));
  if (typeof value === 'number' || typeof value === 'boolean') return escapeHtml(String(value));
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v))) {
      return escapeHtml(value.map((v) => String(v)).join(', '));
    }
  }
  if (isPlainObject(value) && Object.keys(value).length === 0) return '<span class="none">none</span>';
  if (isPlainObject(value) && depth < MAX_DEPTH) return renderTable(value, depth + 1);
  return `<code>${escapeHtml(JSON.stringify(value))}</code>`;
}

/** A key/value table of a metadata object (generic: whatever keys the executor records). */
export function renderTable(record: Record<string, unknown>, depth = 0): string {
  const rows = Object.entries(record)
    .filter(([, value]) => value !== undefined && value !== null && value !== '')
    .map(([key, value]) => `<tr><th scope="row">${escapeHtml(humanizeKey(key))}</th><td>${renderValue(key, value, depth)}</td></tr>`)
    .join('');
  return rows ? `<table>${rows}</table>` : '';
}

/** Kernel and language facts from the notebook's own metadata. */
function kernelFacts(nb: Notebook): Record<string, unknown> {
  const facts: Record<string, unknown> = {};
  const spec = nb.metadata?.kernelspec;
  if (spec) facts.kernel = spec.display_name ? `${spec.display_name} (${spec.name})` : spec.name;
  const info = nb.metadata?.language_info;
  if (info?.name) facts.language = info.version ? `${info.name} ${String(info.version)}` : info.name;
  return facts;
}

/** The run summary the executor stores in the notebook (`metadata.digit_lab.run`), if any. */
export function notebookRunSummary(nb: Notebook): Record<string, unknown> | undefined {
  const digitLab = nb.metadata?.['digit_lab'];
  const run = isPlainObject(digitLab) ? digitLab['run'] : undefined;
  return isPlainObject(run) ? run : undefined;
}

/**
 * The footer: one table of kernel facts, the notebook's run summary and `options.footer`, merged
 * in that order (a caller's explicit value wins over a recorded one with the same key).
 */
export function renderFooter(nb: Notebook, footer: Record<string, unknown> | undefined, madeWith: string): string {
  const merged = { ...kernelFacts(nb), ...(notebookRunSummary(nb) ?? {}), ...(footer ?? {}) };
  const table = renderTable(merged);
  const made = `<p class="made-with">${escapeHtml(madeWith)}</p>`;
  return `<footer class="run-info">${table ? `<h2>About this run</h2>${table}` : ''}${made}</footer>`;
}
