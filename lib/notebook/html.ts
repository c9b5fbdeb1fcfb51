/** Small HTML building blocks shared by the tables, galleries and chart fallbacks. */

import { escapeHtml } from '../common/html';

export { escapeHtml };

/**
 * Builds a style attribute value from a map, skipping undefined entries. The result is escaped
 * for a double-quoted attribute (font lists carry quoted family names).
 */
export function styleAttr(styles: Record<string, string | number | undefined>): string {
  return escapeHtml(
    Object.entries(styles)
      .filter(([, v]) => v !== undefined && v !== '')
      .map(([k, v]) => `${k}:${v}`)
      .join(';'),
  );
}

/**
 * Formats a number for display: integers with thousands separators, other numbers with a fixed
 * count of decimals, and non-finite values spelled out, so tables line up and read easily.
 */
export function formatNumber(value: number, decimals = 4): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (Number.isInteger(value)) {
    // Grouping only where it helps: years-like 4-digit numbers stay readable either way.
    return Math.abs(value) >= 10000 ? value.toLocaleString('en-US') : String(value);
  }
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e9)) return value.toExponential(Math.max(1, decimals - 1));
  return value.toFixed(decimals);
}

/** Formats a fraction (0..1) as a percentage with the given decimals. */
export function formatPercent(fraction: number, decimals = 2): string {
  if (!Number.isFinite(fraction)) return formatNumber(fraction);
  return `${(fraction * 100).toFixed(decimals)}%`;
}
