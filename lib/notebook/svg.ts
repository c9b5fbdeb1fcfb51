/**
 * A static SVG drawing of the figures our builders make (bars, lines, heatmaps, annotations, two
 * panels). It is the `text/html` fallback of a plotly output: front ends without a plotly renderer
 * (classic Notebook, VS Code, GitHub, nbconvert) still show the chart, with no script needed.
 */
import type { PlotlyAxis, PlotlyFigure, PlotlyTrace } from './figure-types';
import { escapeHtml } from './html';
import { VIZ_COLORS, VIZ_DEFAULT_SIZE, VIZ_FONT, colorAt } from './theme';

/** A scale maps a data value (number or category) to a pixel coordinate. */
interface Scale {
  map(v: number | string): number;
  /** Width in pixels of one category band (0 for numeric scales). */
  band: number;
  ticks: { at: number; label: string }[];
}

interface Subplot {
  xKey: string;
  yKey: string;
  traces: PlotlyTrace[];
  box: { x: number; y: number; w: number; h: number };
}

const PALETTE = [VIZ_COLORS.train, VIZ_COLORS.validation, VIZ_COLORS.test, VIZ_COLORS.highlight, VIZ_COLORS.muted];

/** Picks tick positions at 1, 2 or 5 times a power of ten, about `count` of them. */
export function niceTicks(min: number, max: number, count = 5): { lo: number; hi: number; step: number; ticks: number[] } {
  if (!(max > min)) {
    const pad = Math.abs(min) > 0 ? Math.abs(min) * 0.1 : 1;
    return niceTicks(min - pad, max + pad, count);
  }
  const raw = (max - min) / Math.max(1, count);
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const lo = Math.floor(min / step + 1e-9) * step;
  const hi = Math.ceil(max / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let t = lo; t <= hi + step * 1e-6; t += step) ticks.push(Math.round(t / step) * step);
  return { lo, hi, step, ticks };
}

function tickLabel(value: number, step: number): string {
  let decimals = 0;
  while (decimals < 6 && Math.abs(step * 10 ** decimals - Math.round(step * 10 ** decimals)) > 1e-6) decimals++;
  return value.toFixed(decimals).replace(/^-0(\.0*)?$/, '0');
}

function axisKey(id: string | undefined, letter: 'x' | 'y'): string {
  const ref = id ?? letter;
  return `${letter}axis${ref.slice(1)}`;
}

function isCategorical(axis: PlotlyAxis | undefined, values: (number | string)[]): boolean {
  return axis?.type === 'category' || values.some((v) => typeof v === 'string');
}

function traceValues(t: PlotlyTrace, letter: 'x' | 'y'): (number | string)[] {
  return letter === 'x' ? t.x : t.y;
}

function buildScale(traces: PlotlyTrace[], axis: PlotlyAxis | undefined, letter: 'x' | 'y', start: number, length: number): Scale {
  const values = traces.flatMap((t) => traceValues(t, letter));
  const flip = letter === 'y'; // SVG y grows downwards
  const reversed = axis?.autorange === 'reversed';
  const forward = flip !== reversed;
  if (isCategorical(axis, values) || traces.some((t) => t.type === 'heatmap')) {
    const categories = [...new Set(values.map(String))];
    const band = length / Math.max(1, categories.length);
    const pos = (c: string) => {
      const i = categories.indexOf(c);
      const k = forward ? categories.length - 1 - i : i;
      return start + (k + 0.5) * band;
    };
    return { map: (v) => pos(String(v)), band, ticks: categories.map((c) => ({ at: pos(c), label: c })) };
  }
  const numbers = values.map(Number).filter(Number.isFinite);
  const hasBars = traces.some((t) => t.type === 'bar');
  let lo = numbers.length ? Math.min(...numbers) : 0;
  let hi = numbers.length ? Math.max(...numbers) : 1;
  if (hasBars) {
    lo = Math.min(0, lo);
    hi = Math.max(0, hi);
  }
  let nice = niceTicks(lo, hi);
  if (axis?.range) {
    nice = { ...niceTicks(axis.range[0], axis.range[1]), lo: axis.range[0], hi: axis.range[1] };
    nice.ticks = nice.ticks.filter((t) => t >= axis.range![0] - 1e-9 && t <= axis.range![1] + 1e-9);
  } else if (!hasBars) {
    // Lines get a little air above and below instead of snapping to the outermost tick.
    const pad = (hi - lo || Math.abs(hi) || 1) * 0.06;
    const padded = niceTicks(lo - pad, hi + pad);
    nice = { ...padded, lo: lo - pad, hi: hi + pad, ticks: padded.ticks.filter((t) => t >= lo - pad && t <= hi + pad) };
  }
  if (axis?.tickmode === 'linear' && axis.dtick) {
    const first = axis.tick0 ?? nice.lo;
    const ticks: number[] = [];
    for (let t = first; t <= nice.hi + 1e-9; t += axis.dtick) if (t >= nice.lo - 1e-9) ticks.push(t);
    nice = { ...nice, step: axis.dtick, ticks };
  }
  const span = nice.hi - nice.lo || 1;
  // Clamped so bars on a zoomed axis stop at the plot edge instead of spilling over the labels.
  const map = (v: number | string) => {
    const f = Math.min(1, Math.max(0, (Number(v) - nice.lo) / span));
    return start + (forward ? 1 - f : f) * length;
  };
  return { map, band: 0, ticks: nice.ticks.map((t) => ({ at: map(t), label: tickLabel(t, nice.step) })) };
}

function text(x: number, y: number, content: string, attrs: Record<string, string | number> = {}): string {
  const extra = Object.entries(attrs).map(([k, v]) => ` ${k}="${escapeHtml(v)}"`).join('');
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}"${extra}>${escapeHtml(content)}</text>`;
}

function legendEntries(fig: PlotlyFigure): { name: string; color: string; dash?: string; kind: 'bar' | 'line' }[] {
  if (fig.layout.showlegend === false) return [];
  const seen = new Set<string>();
  const out: { name: string; color: string; dash?: string; kind: 'bar' | 'line' }[] = [];
  fig.data.forEach((t, i) => {
    if (t.type === 'heatmap' || !t.name || t.showlegend === false || seen.has(t.name)) return;
    seen.add(t.name);
    const color = t.type === 'bar'
      ? (typeof t.marker?.color === 'string' ? t.marker.color : PALETTE[i % PALETTE.length])
      : t.line?.color ?? t.marker?.color ?? PALETTE[i % PALETTE.length];
    out.push({ name: t.name, color, dash: t.type === 'scatter' ? t.line?.dash : undefined, kind: t.type === 'bar' ? 'bar' : 'line' });
  });
  return fig.layout.showlegend === true || out.length > 1 ? out : [];
}

const DASHES: Record<string, string> = { dash: '6 4', dot: '2 3' };

function drawTrace(t: PlotlyTrace, index: number, groupIndex: number, groupCount: number, xs: Scale, ys: Scale, bargap: number): string[] {
  const out: string[] = [];
  if (t.type === 'heatmap') {
    const zmin = t.zmin ?? Math.min(...t.z.flat());
    const zmax = t.zmax ?? Math.max(...t.z.flat());
    t.z.forEach((row, i) =>
      row.forEach((v, j) => {
        const cx = xs.map(t.x[j]);
        const cy = ys.map(t.y[i]);
        const color = colorAt(t.colorscale, (v - zmin) / (zmax - zmin || 1));
        out.push(`<rect x="${(cx - xs.band / 2 + 0.5).toFixed(1)}" y="${(cy - ys.band / 2 + 0.5).toFixed(1)}" width="${Math.max(0, xs.band - 1).toFixed(1)}" height="${Math.max(0, ys.band - 1).toFixed(1)}" fill="${color}"/>`);
      }),
    );
  } else if (t.type === 'bar') {
    const horizontal = t.orientation === 'h';
    const cat = horizontal ? ys : xs;
    const num = horizontal ? xs : ys;
    const width = (cat.band * (1 - bargap)) / groupCount;
    const base = num.map(0);
    const n = Math.min(t.x.length, t.y.length);
    for (let i = 0; i < n; i++) {
      const c = cat.map(horizontal ? t.y[i] : t.x[i]) - (cat.band * (1 - bargap)) / 2 + groupIndex * width;
      const v = num.map(horizontal ? t.x[i] : t.y[i]);
      const color = Array.isArray(t.marker?.color) ? t.marker!.color[i] : t.marker?.color ?? PALETTE[index % PALETTE.length];
      const [x, y, w, h] = horizontal ? [Math.min(base, v), c, Math.abs(v - base), width] : [c, Math.min(base, v), width, Math.abs(v - base)];
      out.push(`<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${w.toFixed(1)}" height="${h.toFixed(1)}" fill="${color}"/>`);
      const label = t.text?.[i];
      if (label && t.textposition !== 'none') {
        out.push(horizontal
          ? text(v + 4, c + width / 2 + 4, label, { 'font-size': 10, fill: VIZ_COLORS.subtle })
          : text(c + width / 2, v - 4, label, { 'font-size': 10, fill: VIZ_COLORS.subtle, 'text-anchor': 'middle' }));
      }
    }
  } else {
    const color = t.line?.color ?? t.marker?.color ?? PALETTE[index % PALETTE.length];
    const points = t.x.map((x, i) => [xs.map(x), ys.map(t.y[i])] as const).filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b));
    if (t.mode.includes('lines') && points.length > 1) {
      const dash = t.line?.dash && DASHES[t.line.dash] ? ` stroke-dasharray="${DASHES[t.line.dash]}"` : '';
      out.push(`<polyline fill="none" stroke="${color}" stroke-width="${t.line?.width ?? 2}"${dash} points="${points.map(([a, b]) => `${a.toFixed(1)},${b.toFixed(1)}`).join(' ')}"/>`);
    }
    if (t.mode.includes('markers')) {
      const r = (t.marker?.size ?? 6) / 2;
      for (const [a, b] of points) out.push(`<circle cx="${a.toFixed(1)}" cy="${b.toFixed(1)}" r="${r}" fill="${t.marker?.color ?? color}"/>`);
    }
  }
  return out;
}

/** Draws a figure (the subset our builders use) as a self-contained SVG string. */
export function figureSvg(fig: PlotlyFigure, options: { width?: number; height?: number } = {}): string {
  const layout = fig.layout;
  const W = layout.width ?? options.width ?? VIZ_DEFAULT_SIZE.width;
  const H = layout.height ?? options.height ?? VIZ_DEFAULT_SIZE.height;
  const title = layout.title?.text ?? '';
  const legend = legendEntries(fig);
  const m = { l: 64, r: 20, t: (title ? 34 : 12) + (legend.length ? 24 : 0) + 8, b: 52 };
  const out: string[] = [];
  out.push(`<rect width="${W}" height="${H}" fill="${layout.paper_bgcolor ?? VIZ_COLORS.background}"/>`);
  if (title) out.push(text(12, 24, title, { 'font-size': 15, 'font-weight': 600 }));

  const groups = new Map<string, PlotlyTrace[]>();
  for (const t of fig.data) {
    const key = `${t.xaxis ?? 'x'}|${t.yaxis ?? 'y'}`;
    groups.set(key, [...(groups.get(key) ?? []), t]);
  }
  const innerW = W - m.l - m.r;
  const innerH = H - m.t - m.b;
  const subplots: Subplot[] = [...groups.entries()].map(([key, traces]) => {
    const [xId, yId] = key.split('|');
    const xd = layout[axisKey(xId, 'x') as `xaxis${string}`]?.domain ?? [0, 1];
    const yd = layout[axisKey(yId, 'y') as `yaxis${string}`]?.domain ?? [0, 1];
    // A right-hand panel needs room for its own y tick labels inside the gap between domains.
    const leftPad = xd[0] > 0 ? 40 : 0;
    const box = { x: m.l + xd[0] * innerW + leftPad, y: m.t + (1 - yd[1]) * innerH, w: (xd[1] - xd[0]) * innerW - leftPad, h: (yd[1] - yd[0]) * innerH };
    if (layout[axisKey(yId, 'y') as `yaxis${string}`]?.scaleanchor) {
      // Square cells (a confusion matrix): plotly keeps one unit the same length on both axes.
      box.w = box.h = Math.min(box.w, box.h);
    }
    return { xKey: axisKey(xId, 'x'), yKey: axisKey(yId, 'y'), traces, box };
  });

  const bargap = layout.bargap ?? 0.2;
  for (const sp of subplots) {
    const xa = layout[sp.xKey as `xaxis${string}`];
    const ya = layout[sp.yKey as `yaxis${string}`];
    const xs = buildScale(sp.traces, xa, 'x', sp.box.x, sp.box.w);
    const ys = buildScale(sp.traces, ya, 'y', sp.box.y, sp.box.h);
    const { x, y, w, h } = sp.box;
    const heatmap = sp.traces.some((t) => t.type === 'heatmap');
    for (const t of xs.ticks) {
      if (!heatmap && xs.band === 0) out.push(`<line x1="${t.at.toFixed(1)}" x2="${t.at.toFixed(1)}" y1="${y}" y2="${y + h}" stroke="${VIZ_COLORS.grid}"/>`);
      out.push(text(t.at, y + h + 16, t.label, { 'text-anchor': 'middle', 'font-size': 11, fill: VIZ_COLORS.subtle }));
    }
    for (const t of ys.ticks) {
      if (!heatmap && ys.band === 0) out.push(`<line x1="${x}" x2="${x + w}" y1="${t.at.toFixed(1)}" y2="${t.at.toFixed(1)}" stroke="${VIZ_COLORS.grid}"/>`);
      out.push(text(x - 6, t.at + 4, t.label, { 'text-anchor': 'end', 'font-size': 11, fill: VIZ_COLORS.subtle }));
    }
    out.push(`<line x1="${x}" x2="${x + w}" y1="${y + h}" y2="${y + h}" stroke="${VIZ_COLORS.axis}"/>`);
    out.push(`<line x1="${x}" x2="${x}" y1="${y}" y2="${y + h}" stroke="${VIZ_COLORS.axis}"/>`);
    if (xa?.title?.text) out.push(text(x + w / 2, y + h + 38, xa.title.text, { 'text-anchor': 'middle', 'font-size': 12 }));
    if (ya?.title?.text) {
      const cx = x - 46;
      const cy = y + h / 2;
      out.push(text(cx, cy, ya.title.text, { 'text-anchor': 'middle', 'font-size': 12, transform: `rotate(-90 ${cx.toFixed(1)} ${cy.toFixed(1)})` }));
    }
    const bars: PlotlyTrace[] = sp.traces.filter((t) => t.type === 'bar');
    const groupCount = layout.barmode === 'group' ? Math.max(1, bars.length) : 1;
    sp.traces.forEach((t) => {
      const groupIndex = layout.barmode === 'group' ? Math.max(0, bars.indexOf(t)) : 0;
      out.push(...drawTrace(t, fig.data.indexOf(t), groupIndex, groupCount, xs, ys, bargap));
    });
    for (const a of layout.annotations ?? []) {
      if ((a.xref ?? 'x') !== (sp.xKey.replace('axis', '') || 'x') || (a.yref ?? 'y') !== (sp.yKey.replace('axis', '') || 'y')) continue;
      const attrs: Record<string, string | number> = { 'text-anchor': 'middle', 'font-size': a.font?.size ?? 11, fill: a.font?.color ?? VIZ_COLORS.text };
      out.push(text(xs.map(a.x), ys.map(a.y) + 4, a.text, attrs));
    }
  }

  let lx = W - m.r;
  const ly = (title ? 34 : 12) + 10;
  for (const entry of [...legend].reverse()) {
    const width = entry.name.length * 6.6 + 28;
    lx -= width;
    const swatch = entry.kind === 'bar'
      ? `<rect x="${lx.toFixed(1)}" y="${ly - 6}" width="14" height="10" fill="${entry.color}"/>`
      : `<line x1="${lx.toFixed(1)}" x2="${(lx + 16).toFixed(1)}" y1="${ly - 1}" y2="${ly - 1}" stroke="${entry.color}" stroke-width="2"${entry.dash && DASHES[entry.dash] ? ` stroke-dasharray="${DASHES[entry.dash]}"` : ''}/>`;
    out.push(swatch, text(lx + 20, ly + 3, entry.name, { 'font-size': 11 }));
  }

  const label = escapeHtml(title || 'chart');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${label}" font-family="${escapeHtml(VIZ_FONT)}" fill="${VIZ_COLORS.text}" style="max-width:100%;height:auto">` +
    `<title>${label}</title>${out.join('')}</svg>`;
}

/**
 * An SVG as an <img> with a data URL. Notebook sanitizers (classic Notebook and JupyterLab, for
 * notebooks not trusted yet, e.g. a saved report opened later) strip inline <svg> but keep images.
 */
export function svgImgTag(svg: string, alt: string): string {
  const width = /^<svg[^>]* width="(\d+(?:\.\d+)?)"/.exec(svg)?.[1];
  const size = width ? ` width="${width}"` : '';
  return `<img src="data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}" alt="${escapeHtml(alt)}"${size} style="max-width:100%;height:auto">`;
}

/** The `text/html` fallback for a plotly output: the static chart, no script needed. */
export function figureFallbackHtml(fig: PlotlyFigure): string {
  return `<div class="digit-lab-figure">${svgImgTag(figureSvg(fig), fig.layout.title?.text || 'chart')}</div>`;
}
