/**
 * One look for every chart, table and gallery: the colours and fonts are chosen once here so the
 * plotly figures, their static SVG fallbacks and the HTML tables agree with each other.
 *
 * HTML outputs follow the host's theme: their inline styles use Jupyter's CSS variables (VIZ_CSS)
 * with our light colours as fallback, so JupyterLab Dark and the HTML report's dark mode restyle
 * them. Pictures (PNG digits, the SVG chart fallbacks) keep their own white card and dark text.
 */
import { plotlyDarkThemeCss } from '../runner/html/plotly-theme';

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
  /** Zero counts on the lightest heatmap cell: #999 there was 2.7:1; this is 5.5:1. */
  mutedText: '#666666',
  text: '#222222',
  subtle: '#666666',
  grid: '#e6e6e6',
  axis: '#b0b0b0',
  background: '#ffffff',
  headerBackground: '#f3f5f7',
  stripe: '#fafbfc',
} as const;

/**
 * Colours of text and backgrounds in HTML outputs, as CSS: Jupyter's variable where there is one
 * (JupyterLab, Notebook 7 and the HTML report define them, light or dark), our light colour as the
 * fallback elsewhere. Where a sanitizer drops a declaration (JupyterLab, untrusted notebooks),
 * the element inherits the host's own colours, which suit its theme. Every text/background pair
 * used is listed in VIZ_CSS_TEXT_PAIRS and checked for 4.5:1 contrast in light and dark.
 */
export const VIZ_CSS = {
  text: `var(--jp-content-font-color1, ${VIZ_COLORS.text})`,
  subtleText: `var(--jp-content-font-color2, ${VIZ_COLORS.subtle})`,
  /** Red in JupyterLab (light #d32f2f 5.0:1, dark #f44336 5.1:1), our dark orange elsewhere. */
  highlightText: `var(--jp-error-color1, ${VIZ_COLORS.highlightText})`,
  background: `var(--jp-layout-color0, ${VIZ_COLORS.background})`,
  headerBackground: `var(--jp-layout-color2, ${VIZ_COLORS.headerBackground})`,
  stripe: `var(--jp-rendermime-table-row-background, ${VIZ_COLORS.stripe})`,
  border: `var(--jp-border-color2, ${VIZ_COLORS.grid})`,
  strongBorder: `var(--jp-border-color1, ${VIZ_COLORS.axis})`,
} as const;

/** Which VIZ_CSS text colour is drawn on which VIZ_CSS background (for the contrast tests). */
export const VIZ_CSS_TEXT_PAIRS: readonly (readonly [keyof typeof VIZ_CSS, keyof typeof VIZ_CSS])[] = [
  ['text', 'background'],
  ['text', 'stripe'],
  ['text', 'headerBackground'],
  ['subtleText', 'background'],
  ['highlightText', 'background'],
];

/**
 * A <style> element carried by digit-lab's HTML outputs (tables, galleries, progress, cards):
 * in JupyterLab's dark themes it makes plotly charts follow the page (transparent background,
 * text and grid lines in the theme's colours). Plotly layouts cannot take CSS variables, and
 * jupyterlab-plotly has no theme support, so the figures keep light colours (a readable white card
 * wherever this style is absent: untrusted notebooks, other front ends, the PNG Lab saves) and
 * this page-wide style overrides them. Repeats in several outputs are harmless. It also gives our
 * tables JupyterLab's row hover colour.
 */
export const VIZ_THEME_STYLE =
  '<style class="digit-lab-theme">' +
  // Row hover as JupyterLab's own tables have it (our cells paint their own stripes over the row's).
  `.digit-lab-table tbody tr:hover>*{background:var(--jp-rendermime-table-row-hover-background,#e1f5fe)!important}` +
  `${plotlyDarkThemeCss('body[data-jp-theme-light="false"]')}</style>`;

/** Appends VIZ_THEME_STYLE to an HTML output. */
export function withThemeStyle(html: string): string {
  return html + VIZ_THEME_STYLE;
}

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

/** WCAG 2 relative luminance of a '#rrggbb' colour. */
export function relativeLuminance(hex: string): number {
  const linear = (v: number) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
  const [r, g, b] = hexToRgb(hex).map((v) => linear(v / 255));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2 contrast ratio of two '#rrggbb' colours (1 to 21; text wants at least 4.5). */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** True when white text has more contrast than black on this background colour. */
export function isDarkColor(hex: string): boolean {
  return contrastRatio('#ffffff', hex) > contrastRatio('#000000', hex);
}

/**
 * Text colour for a label drawn on `background` (a heatmap cell): white, our text grey or black,
 * the first with 4.5:1. Mid tones need pure black: #222 only reaches 4.0:1 on some of them.
 */
export function readableTextColor(background: string): string {
  const candidates = isDarkColor(background) ? ['#ffffff'] : [VIZ_COLORS.text, '#000000'];
  return candidates.find((c) => contrastRatio(c, background) >= 4.5) ?? candidates[candidates.length - 1];
}
