/** WCAG 2 contrast between colours, for the readability checks of text the outputs draw. */

/** Relative luminance of `#rrggbb` (WCAG 2.x definition). */
export function relativeLuminance(hex: string): number {
  const m = /^#([0-9a-f]{6})$/i.exec(hex);
  if (!m) throw new Error(`not a #rrggbb colour: ${hex}`);
  const channel = (i: number) => {
    const v = parseInt(m[1].slice(i, i + 2), 16) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4);
}

/** Contrast ratio of two colours, 1 to 21; WCAG AA asks at least 4.5 for normal text. */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** An sRGB colour with alpha: [r, g, b] in 0..255, a in 0..1. */
export type Rgba = [number, number, number, number];

const NAMED: Record<string, string> = { white: '#ffffff', black: '#000000' };

/** Parses #rgb, #rrggbb, rgb()/rgba() (as JupyterLab's themes write them), white, black and transparent. */
export function parseCssColour(value: string): Rgba {
  const v = value.trim().toLowerCase();
  if (v === 'transparent') return [0, 0, 0, 0];
  if (NAMED[v]) return parseCssColour(NAMED[v]);
  const short = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/.exec(v);
  if (short) return [parseInt(short[1] + short[1], 16), parseInt(short[2] + short[2], 16), parseInt(short[3] + short[3], 16), 1];
  const long = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/.exec(v);
  if (long) return [parseInt(long[1], 16), parseInt(long[2], 16), parseInt(long[3], 16), 1];
  const fn = /^rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*([\d.]+)\s*)?\)$/.exec(v);
  if (fn) return [Number(fn[1]), Number(fn[2]), Number(fn[3]), fn[4] === undefined ? 1 : Number(fn[4])];
  throw new Error(`not a CSS colour this helper reads: ${value}`);
}

/** `top` painted over an opaque `below`, as #rrggbb. */
export function blend(top: string, below: string): string {
  const t = parseCssColour(top);
  const b = parseCssColour(below);
  if (b[3] !== 1) throw new Error(`background ${below} is not opaque`);
  const mix = [0, 1, 2].map((i) => Math.round(t[i] * t[3] + b[i] * (1 - t[3])));
  return '#' + mix.map((n) => n.toString(16).padStart(2, '0')).join('');
}

/**
 * The value of a CSS expression with `var(--name, fallback)` given the page's variables, as a
 * browser computes it: a defined variable wins, else the fallback.
 */
export function resolveCssVars(expression: string, vars: Record<string, string>): string {
  const m = /^var\(\s*(--[\w-]+)\s*(?:,\s*(.+))?\)$/.exec(expression.trim());
  if (!m) return expression.trim();
  if (vars[m[1]] !== undefined) return resolveCssVars(vars[m[1]], vars);
  if (m[2] === undefined) throw new Error(`${m[1]} is not defined and has no fallback`);
  return resolveCssVars(m[2], vars);
}

/**
 * Contrast of text `fg` on background `bg` (CSS expressions, var() resolved with `vars`), with
 * translucent colours composited as drawn: the background over `page`, the text over the result.
 */
export function cssContrast(fg: string, bg: string, vars: Record<string, string>, page = '#ffffff'): number {
  const background = blend(resolveCssVars(bg, vars), blend(resolveCssVars(page, vars), '#ffffff'));
  return contrastRatio(blend(resolveCssVars(fg, vars), background), background);
}
