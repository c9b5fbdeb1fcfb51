/**
 * One look for every chart, table and gallery: the colours and fonts are chosen once here so the
 * plotly figures, their static SVG fallbacks and the HTML tables agree with each other.
 */

/** Font stack used by charts and tables (system fonts only: the report must work offline). */
export const VIZ_FONT = '-apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

/** Named colours of the digit-lab palette (colour-blind friendly, after the Okabe-Ito set). */
export const VIZ_COLORS = {
  train: '#0072B2',
  validation: '#E69F00',
  test: '#009E73',
  accent: '#0072B2',
  highlight: '#D55E00',
  /** The highlight hue darkened for text: #D55E00 on white is only 3.9:1, below WCAG's 4.5:1. */
  highlightText: '#B34F00',
  muted: '#999999',
  text: '#222222',
  subtle: '#666666',
  grid: '#e6e6e6',
  axis: '#b0b0b0',
  background: '#ffffff',
  headerBackground: '#f3f5f7',
  stripe: '#fafbfc',
} as const;

/** Sequential blues for heatmaps: [position 0..1, colour], plotly's colorscale format. */
export const VIZ_HEATMAP_SCALE: [number, string][] = [
  [0, '#f7fbff'],
  [0.1, '#deebf7'],
  [0.25, '#c6dbef'],
  [0.4, '#9ecae1'],
  [0.55, '#6baed6'],
  [0.7, '#4292c6'],
  [0.85, '#2171b5'],
  [1, '#084594'],
];

/** Default size of a figure when the layout does not say (also the SVG fallback's size). */
export const VIZ_DEFAULT_SIZE = { width: 720, height: 380 } as const;

/** Parses '#rrggbb' into [r, g, b]. */
export function hexToRgb(hex: string): [number, number, number] {
  const m = /^#([0-9a-f]{6})$/i.exec(hex);
  if (!m) throw new Error(`viz: colour "${hex}" is not in #rrggbb form`);
  const n = parseInt(m[1], 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** Colour at position t (0..1) of a plotly-style colour scale, linearly interpolated. */
export function colorAt(scale: [number, string][], t: number): string {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0));
  for (let i = 1; i < scale.length; i++) {
    const [p1, c1] = scale[i];
    if (x <= p1) {
      const [p0, c0] = scale[i - 1];
      const f = p1 === p0 ? 1 : (x - p0) / (p1 - p0);
      const a = hexToRgb(c0);
      const b = hexToRgb(c1);
      const mix = a.map((v, k) => Math.round(v + (b[k] - v) * f));
      return '#' + mix.map((v) => v.toString(16).padStart(2, '0')).join('');
    }
  }
  return scale[scale.length - 1][1];
}

/** True when white text reads better than black on this background colour. */
export function isDarkColor(hex: string): boolean {
  const [r, g, b] = hexToRgb(hex);
  // Relative luminance approximation (ITU-R BT.601 weights) is enough to pick a text colour.
  return 0.299 * r + 0.587 * g + 0.114 * b < 140;
}
