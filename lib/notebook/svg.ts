/**
 * A static SVG drawing of the figures our builders make (bars, lines, heatmaps, annotations, two
 * panels). It is the `text/html` fallback of a plotly output: front ends without a plotly renderer
 * (classic Notebook, VS Code, GitHub, nbconvert) still show the chart, with no script needed.
 */
import type {
  PlotlyAnnotation,
  PlotlyAxis,
  PlotlyBarTrace,
  PlotlyFigure,
  PlotlyHeatmapTrace,
  PlotlyLayout,
  PlotlyScatterTrace,
  PlotlyTrace,
} from './figure-types';
import { escapeHtml } from './html';
import { axisKey, axisRef, buildScale, type AxisKey, type Scale } from './svg-scale';
import { VIZ_COLORS, VIZ_DEFAULT_SIZE, VIZ_FONT, colorAt } from './theme';

/**
 * Pixel sizes of the drawing, tuned by eye to resemble plotly's default look at our figure sizes.
 * Several texts shift their baseline by `textCentering` so that an 11 px label sits centred on the
 * point it labels rather than above it.
 */
const SVG_LAYOUT = {
  /** Space around the plot area; the top margin is the header band (see `headerHeight`). */
  margin: { left: 64, right: 20, bottom: 52 },
  /** The band above the plots: title line (or a thin strip without one), legend row, gap. */
  header: { withTitle: 34, withoutTitle: 12, legendRow: 24, gap: 8 },
  title: { x: 12, baseline: 24, fontSize: 15, fontWeight: 600 },
  /** A panel right of another keeps this room, inside the gap between domains, for its y tick labels. */
  panelTickRoom: 40,
  tickLabel: { fontSize: 11, belowAxis: 16, leftOfAxis: 6 },
  axisTitle: { fontSize: 12, belowAxis: 38, leftOfAxis: 46 },
  textCentering: 4,
  barLabel: { fontSize: 10, gap: 4 },
  /** Heatmap cells are this much smaller than their band so the matrix reads as a grid. */
  heatmapCellGap: 1,
  annotationFontSize: 11,
  legend: {
    /** Baseline of the legend row, below the top of the header's title strip. */
    belowTitleStrip: 10,
    /** Estimated width of one 11 px character, to lay entries out right to left without measuring. */
    charWidth: 6.6,
    /** Swatch, gap and spacing around an entry's label. */
    entryPadding: 28,
    fontSize: 11,
    barSwatch: { above: 6, width: 14, height: 10 },
    lineSwatch: { above: 1, length: 16, width: 2 },
    label: { dx: 20, dy: 3 },
  },
} as const;

/** Plotly's defaults for what the figure leaves out. */
const PLOTLY_DEFAULTS = { bargap: 0.2, lineWidth: 2, markerSize: 6 } as const;

const PALETTE = [VIZ_COLORS.train, VIZ_COLORS.validation, VIZ_COLORS.test, VIZ_COLORS.highlight, VIZ_COLORS.muted];

const DASHES: Record<string, string> = { dash: '6 4', dot: '2 3' };

/** A rectangle in pixels. */
interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The traces drawn on one pair of axes, and where they go. */
interface Subplot {
  xKey: AxisKey<'x'>;
  yKey: AxisKey<'y'>;
  traces: PlotlyTrace[];
  box: Box;
}

/** Where a bar trace sits among the bar traces grouped side by side in each category. */
interface BarSlot {
  index: number;
  count: number;
}

interface LegendEntry {
  name: string;
  color: string;
  dash?: string;
  kind: 'bar' | 'line';
}

interface CanvasSize {
  width: number;
  height: number;
}

// ---------------------------------------------------------------------------------------------
// SVG elements

function text(x: number, y: number, content: string, attrs: Record<string, string | number> = {}): string {
  const extra = Object.entries(attrs).map(([k, v]) => ` ${k}="${escapeHtml(v)}"`).join('');
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}"${extra}>${escapeHtml(content)}</text>`;
}

function rect(x: number, y: number, w: number, h: number, fill: string): string {
  return `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${w.toFixed(1)}" height="${h.toFixed(1)}" fill="${fill}"/>`;
}

/** A line; coordinates are written as given, so callers choose their rounding. */
function line(x1: number | string, x2: number | string, y1: number | string, y2: number | string, stroke: string): string {
  return `<line x1="${x1}" x2="${x2}" y1="${y1}" y2="${y2}" stroke="${stroke}"/>`;
}

function dashAttribute(dash: string | undefined): string {
  return dash && DASHES[dash] ? ` stroke-dasharray="${DASHES[dash]}"` : '';
}

function paletteColor(index: number): string {
  return PALETTE[index % PALETTE.length];
}

/** The one colour that stands for a bar or scatter trace (per-bar colours fall back to the palette). */
function traceColor(t: PlotlyBarTrace | PlotlyScatterTrace, index: number): string {
  if (t.type === 'bar') return typeof t.marker?.color === 'string' ? t.marker.color : paletteColor(index);
  return t.line?.color ?? t.marker?.color ?? paletteColor(index);
}

// ---------------------------------------------------------------------------------------------
// Page layout

function canvasSize(layout: PlotlyLayout, options: { width?: number; height?: number }): CanvasSize {
  return {
    width: layout.width ?? options.width ?? VIZ_DEFAULT_SIZE.width,
    height: layout.height ?? options.height ?? VIZ_DEFAULT_SIZE.height,
  };
}

/** Height of the title strip at the top (thin when there is no title). */
function titleStripHeight(title: string): number {
  return title ? SVG_LAYOUT.header.withTitle : SVG_LAYOUT.header.withoutTitle;
}

/** Height of everything above the plots: title strip, legend row, gap. */
function headerHeight(title: string, hasLegend: boolean): number {
  const { legendRow, gap } = SVG_LAYOUT.header;
  return titleStripHeight(title) + (hasLegend ? legendRow : 0) + gap;
}

/** The area inside the margins that the panels share. */
function plotArea(size: CanvasSize, title: string, hasLegend: boolean): Box {
  const { left, right, bottom } = SVG_LAYOUT.margin;
  const top = headerHeight(title, hasLegend);
  return { x: left, y: top, w: size.width - left - right, h: size.height - top - bottom };
}

/** Traces grouped by the pair of axes they are drawn on, in order of first appearance. */
function tracesByAxes(traces: PlotlyTrace[]): Map<string, PlotlyTrace[]> {
  const groups = new Map<string, PlotlyTrace[]>();
  for (const t of traces) {
    const key = `${t.xaxis ?? 'x'}|${t.yaxis ?? 'y'}`;
    groups.set(key, [...(groups.get(key) ?? []), t]);
  }
  return groups;
}

/** One subplot per pair of axes, placed by the axes' domains within the plot area. */
function layoutSubplots(fig: PlotlyFigure, area: Box): Subplot[] {
  return [...tracesByAxes(fig.data).entries()].map(([key, traces]) => {
    const [xId, yId] = key.split('|');
    const xKey = axisKey(xId, 'x');
    const yKey = axisKey(yId, 'y');
    return { xKey, yKey, traces, box: subplotBox(fig.layout[xKey], fig.layout[yKey], area) };
  });
}

function subplotBox(xAxis: PlotlyAxis | undefined, yAxis: PlotlyAxis | undefined, area: Box): Box {
  const xd = xAxis?.domain ?? [0, 1];
  const yd = yAxis?.domain ?? [0, 1];
  // A right-hand panel needs room for its own y tick labels inside the gap between domains.
  const leftPad = xd[0] > 0 ? SVG_LAYOUT.panelTickRoom : 0;
  const box = { x: area.x + xd[0] * area.w + leftPad, y: area.y + (1 - yd[1]) * area.h, w: (xd[1] - xd[0]) * area.w - leftPad, h: (yd[1] - yd[0]) * area.h };
  if (yAxis?.scaleanchor) {
    // Square cells (a confusion matrix): plotly keeps one unit the same length on both axes.
    box.w = box.h = Math.min(box.w, box.h);
  }
  return box;
}

// ---------------------------------------------------------------------------------------------
// Title, axes and ticks

function drawBackground(size: CanvasSize, layout: PlotlyLayout): string {
  return `<rect width="${size.width}" height="${size.height}" fill="${layout.paper_bgcolor ?? VIZ_COLORS.background}"/>`;
}

function drawTitle(title: string): string[] {
  if (!title) return [];
  const { x, baseline, fontSize, fontWeight } = SVG_LAYOUT.title;
  return [text(x, baseline, title, { 'font-size': fontSize, 'font-weight': fontWeight })];
}

/** Tick labels under the x axis, with vertical grid lines on a numeric axis. */
function drawXTicks(xs: Scale, box: Box, grid: boolean): string[] {
  const { y, h } = box;
  const { fontSize, belowAxis } = SVG_LAYOUT.tickLabel;
  return xs.ticks.flatMap((t) => [
    ...(grid && xs.band === 0 ? [line(t.at.toFixed(1), t.at.toFixed(1), y, y + h, VIZ_COLORS.grid)] : []),
    text(t.at, y + h + belowAxis, t.label, { 'text-anchor': 'middle', 'font-size': fontSize, fill: VIZ_COLORS.subtle }),
  ]);
}

/** Tick labels left of the y axis, with horizontal grid lines on a numeric axis. */
function drawYTicks(ys: Scale, box: Box, grid: boolean): string[] {
  const { x, w } = box;
  const { fontSize, leftOfAxis } = SVG_LAYOUT.tickLabel;
  return ys.ticks.flatMap((t) => [
    ...(grid && ys.band === 0 ? [line(x, x + w, t.at.toFixed(1), t.at.toFixed(1), VIZ_COLORS.grid)] : []),
    text(x - leftOfAxis, t.at + SVG_LAYOUT.textCentering, t.label, { 'text-anchor': 'end', 'font-size': fontSize, fill: VIZ_COLORS.subtle }),
  ]);
}

/** The bottom and left edges of a subplot. */
function drawAxisLines({ x, y, w, h }: Box): string[] {
  return [line(x, x + w, y + h, y + h, VIZ_COLORS.axis), line(x, x, y, y + h, VIZ_COLORS.axis)];
}

/** The x title centred below the tick labels, the y title rotated left of them. */
function drawAxisTitles(xAxis: PlotlyAxis | undefined, yAxis: PlotlyAxis | undefined, { x, y, w, h }: Box): string[] {
  const { fontSize, belowAxis, leftOfAxis } = SVG_LAYOUT.axisTitle;
  const out: string[] = [];
  if (xAxis?.title?.text) out.push(text(x + w / 2, y + h + belowAxis, xAxis.title.text, { 'text-anchor': 'middle', 'font-size': fontSize }));
  if (yAxis?.title?.text) {
    const cx = x - leftOfAxis;
    const cy = y + h / 2;
    out.push(text(cx, cy, yAxis.title.text, { 'text-anchor': 'middle', 'font-size': fontSize, transform: `rotate(-90 ${cx.toFixed(1)} ${cy.toFixed(1)})` }));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Traces

/** Every trace of a subplot, bars side by side when the layout groups them. */
function drawTraces(fig: PlotlyFigure, traces: PlotlyTrace[], xs: Scale, ys: Scale): string[] {
  const grouped = fig.layout.barmode === 'group';
  const bars: PlotlyTrace[] = traces.filter((t) => t.type === 'bar');
  const count = grouped ? Math.max(1, bars.length) : 1;
  const bargap = fig.layout.bargap ?? PLOTLY_DEFAULTS.bargap;
  return traces.flatMap((t) => {
    const slot = { index: grouped ? Math.max(0, bars.indexOf(t)) : 0, count };
    return drawTrace(t, fig.data.indexOf(t), slot, xs, ys, bargap);
  });
}

function drawTrace(t: PlotlyTrace, index: number, slot: BarSlot, xs: Scale, ys: Scale, bargap: number): string[] {
  switch (t.type) {
    case 'heatmap':
      return drawHeatmap(t, xs, ys);
    case 'bar':
      return drawBars(t, index, slot, xs, ys, bargap);
    case 'scatter':
      return drawScatter(t, index, xs, ys);
  }
}

/** One cell per z value, coloured on the trace's colour scale. */
function drawHeatmap(t: PlotlyHeatmapTrace, xs: Scale, ys: Scale): string[] {
  const zmin = t.zmin ?? Math.min(...t.z.flat());
  const zmax = t.zmax ?? Math.max(...t.z.flat());
  const gap = SVG_LAYOUT.heatmapCellGap;
  return t.z.flatMap((row, i) =>
    row.map((v, j) => {
      const cx = xs.map(t.x[j]);
      const cy = ys.map(t.y[i]);
      const color = colorAt(t.colorscale, (v - zmin) / (zmax - zmin || 1));
      return rect(cx - xs.band / 2 + gap / 2, cy - ys.band / 2 + gap / 2, Math.max(0, xs.band - gap), Math.max(0, ys.band - gap), color);
    }),
  );
}

/** Bars from zero to each value, in the trace's slot of each category, with their text labels. */
function drawBars(t: PlotlyBarTrace, index: number, slot: BarSlot, xs: Scale, ys: Scale, bargap: number): string[] {
  const horizontal = t.orientation === 'h';
  const cat = horizontal ? ys : xs;
  const num = horizontal ? xs : ys;
  const groupWidth = cat.band * (1 - bargap);
  const width = groupWidth / slot.count;
  const base = num.map(0);
  const colors = t.marker?.color;
  const out: string[] = [];
  const n = Math.min(t.x.length, t.y.length);
  for (let i = 0; i < n; i++) {
    const c = cat.map(horizontal ? t.y[i] : t.x[i]) - groupWidth / 2 + slot.index * width;
    const v = num.map(horizontal ? t.x[i] : t.y[i]);
    const color = Array.isArray(colors) ? colors[i] : traceColor(t, index);
    out.push(horizontal ? rect(Math.min(base, v), c, Math.abs(v - base), width, color) : rect(c, Math.min(base, v), width, Math.abs(v - base), color));
    const label = t.text?.[i];
    if (label && t.textposition !== 'none') out.push(barLabel(label, horizontal, c + width / 2, v));
  }
  return out;
}

/** A bar's text just past its end: right of a horizontal bar, above a vertical one. */
function barLabel(label: string, horizontal: boolean, middle: number, end: number): string {
  const { fontSize, gap } = SVG_LAYOUT.barLabel;
  return horizontal
    ? text(end + gap, middle + SVG_LAYOUT.textCentering, label, { 'font-size': fontSize, fill: VIZ_COLORS.subtle })
    : text(middle, end - gap, label, { 'font-size': fontSize, fill: VIZ_COLORS.subtle, 'text-anchor': 'middle' });
}

/** A polyline through the points and/or a circle on each, skipping points that do not map. */
function drawScatter(t: PlotlyScatterTrace, index: number, xs: Scale, ys: Scale): string[] {
  const color = traceColor(t, index);
  const points = t.x.map((x, i) => [xs.map(x), ys.map(t.y[i])] as const).filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b));
  const out: string[] = [];
  if (t.mode.includes('lines') && points.length > 1) {
    const coords = points.map(([a, b]) => `${a.toFixed(1)},${b.toFixed(1)}`).join(' ');
    out.push(`<polyline fill="none" stroke="${color}" stroke-width="${t.line?.width ?? PLOTLY_DEFAULTS.lineWidth}"${dashAttribute(t.line?.dash)} points="${coords}"/>`);
  }
  if (t.mode.includes('markers')) {
    const r = (t.marker?.size ?? PLOTLY_DEFAULTS.markerSize) / 2;
    for (const [a, b] of points) out.push(`<circle cx="${a.toFixed(1)}" cy="${b.toFixed(1)}" r="${r}" fill="${t.marker?.color ?? color}"/>`);
  }
  return out;
}

/** The annotations that belong to this subplot's axes, centred on their data point. */
function drawAnnotations(annotations: PlotlyAnnotation[], sp: Subplot, xs: Scale, ys: Scale): string[] {
  const xRef = axisRef(sp.xKey, 'x');
  const yRef = axisRef(sp.yKey, 'y');
  return annotations
    .filter((a) => (a.xref ?? 'x') === xRef && (a.yref ?? 'y') === yRef)
    .map((a) => {
      const attrs: Record<string, string | number> = { 'text-anchor': 'middle', 'font-size': a.font?.size ?? SVG_LAYOUT.annotationFontSize, fill: a.font?.color ?? VIZ_COLORS.text };
      return text(xs.map(a.x), ys.map(a.y) + SVG_LAYOUT.textCentering, a.text, attrs);
    });
}

/** Axes, ticks, traces and annotations of one subplot. */
function drawSubplot(fig: PlotlyFigure, sp: Subplot): string[] {
  const xAxis = fig.layout[sp.xKey];
  const yAxis = fig.layout[sp.yKey];
  const xs = buildScale(sp.traces, xAxis, 'x', sp.box.x, sp.box.w);
  const ys = buildScale(sp.traces, yAxis, 'y', sp.box.y, sp.box.h);
  // A heatmap's cells are its grid; lines across them would only add noise.
  const grid = !sp.traces.some((t) => t.type === 'heatmap');
  return [
    ...drawXTicks(xs, sp.box, grid),
    ...drawYTicks(ys, sp.box, grid),
    ...drawAxisLines(sp.box),
    ...drawAxisTitles(xAxis, yAxis, sp.box),
    ...drawTraces(fig, sp.traces, xs, ys),
    ...drawAnnotations(fig.layout.annotations ?? [], sp, xs, ys),
  ];
}

// ---------------------------------------------------------------------------------------------
// Legend

/** One entry per named trace (heatmaps have none); shown for several entries or when asked. */
function legendEntries(fig: PlotlyFigure): LegendEntry[] {
  if (fig.layout.showlegend === false) return [];
  const seen = new Set<string>();
  const out: LegendEntry[] = [];
  fig.data.forEach((t, i) => {
    if (t.type === 'heatmap' || !t.name || t.showlegend === false || seen.has(t.name)) return;
    seen.add(t.name);
    out.push({ name: t.name, color: traceColor(t, i), dash: t.type === 'scatter' ? t.line?.dash : undefined, kind: t.type === 'bar' ? 'bar' : 'line' });
  });
  return fig.layout.showlegend === true || out.length > 1 ? out : [];
}

/** The legend as one row ending at `right`, laid out from the last entry leftwards. */
function drawLegend(entries: LegendEntry[], right: number, baseline: number): string[] {
  const { charWidth, entryPadding, fontSize, label } = SVG_LAYOUT.legend;
  const out: string[] = [];
  let lx = right;
  for (const entry of [...entries].reverse()) {
    lx -= entry.name.length * charWidth + entryPadding;
    out.push(legendSwatch(entry, lx, baseline), text(lx + label.dx, baseline + label.dy, entry.name, { 'font-size': fontSize }));
  }
  return out;
}

/** A small bar for bar traces, a short (maybe dashed) line for line traces. */
function legendSwatch(entry: LegendEntry, x: number, baseline: number): string {
  const { barSwatch, lineSwatch } = SVG_LAYOUT.legend;
  if (entry.kind === 'bar') {
    return `<rect x="${x.toFixed(1)}" y="${baseline - barSwatch.above}" width="${barSwatch.width}" height="${barSwatch.height}" fill="${entry.color}"/>`;
  }
  const y = baseline - lineSwatch.above;
  return `<line x1="${x.toFixed(1)}" x2="${(x + lineSwatch.length).toFixed(1)}" y1="${y}" y2="${y}" stroke="${entry.color}" stroke-width="${lineSwatch.width}"${dashAttribute(entry.dash)}/>`;
}

// ---------------------------------------------------------------------------------------------
// Document

function svgDocument(size: CanvasSize, title: string, parts: string[]): string {
  const { width, height } = size;
  const label = escapeHtml(title || 'chart');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${label}" font-family="${escapeHtml(VIZ_FONT)}" fill="${VIZ_COLORS.text}" style="max-width:100%;height:auto">` +
    `<title>${label}</title>${parts.join('')}</svg>`;
}

/** Draws a figure (the subset our builders use) as a self-contained SVG string. */
export function figureSvg(fig: PlotlyFigure, options: { width?: number; height?: number } = {}): string {
  const size = canvasSize(fig.layout, options);
  const title = fig.layout.title?.text ?? '';
  const legend = legendEntries(fig);
  const area = plotArea(size, title, legend.length > 0);
  return svgDocument(size, title, [
    drawBackground(size, fig.layout),
    ...drawTitle(title),
    ...layoutSubplots(fig, area).flatMap((sp) => drawSubplot(fig, sp)),
    ...drawLegend(legend, size.width - SVG_LAYOUT.margin.right, titleStripHeight(title) + SVG_LAYOUT.legend.belowTitleStrip),
  ]);
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
