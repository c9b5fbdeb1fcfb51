/**
 * The scales of the static SVG charts: data values (numbers or categories) to pixels, with
 * "nice" tick positions the way plotly picks them, and the axis names plotly's layout uses.
 */
import type { PlotlyAxis, PlotlyTrace } from './figure-types';

/** An axis name in a plotly layout: 'xaxis', 'xaxis2', 'yaxis', ... */
export type AxisKey<L extends 'x' | 'y'> = `${L}axis${string}`;

/** Share of the data range added above and below a line chart's values. */
const LINE_AXIS_PADDING = 0.06;

/** A scale maps a data value (number or category) to a pixel coordinate. */
export interface Scale {
  map(v: number | string): number;
  /** Width in pixels of one category band (0 for numeric scales). */
  band: number;
  ticks: { at: number; label: string }[];
}

/** Axis bounds and tick values, all in data units. */
export interface TickSpan {
  lo: number;
  hi: number;
  step: number;
  ticks: number[];
}

/** Picks tick positions at 1, 2 or 5 times a power of ten, about `count` of them. */
export function niceTicks(min: number, max: number, count = 5): TickSpan {
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

export function tickLabel(value: number, step: number): string {
  let decimals = 0;
  while (decimals < 6 && Math.abs(step * 10 ** decimals - Math.round(step * 10 ** decimals)) > 1e-6) decimals++;
  return value.toFixed(decimals).replace(/^-0(\.0*)?$/, '0');
}

export function axisKey<L extends 'x' | 'y'>(id: string | undefined, letter: L): AxisKey<L> {
  const ref = id ?? letter;
  return `${letter}axis${ref.slice(1)}`;
}

/** The `xref`/`yref` an annotation uses for the axis stored under `key` ('x', 'x2', ...). */
export function axisRef(key: string, letter: 'x' | 'y'): string {
  return key.replace('axis', '') || letter;
}

export function isCategorical(axis: PlotlyAxis | undefined, values: (number | string)[]): boolean {
  return axis?.type === 'category' || values.some((v) => typeof v === 'string');
}

export function traceValues(t: PlotlyTrace, letter: 'x' | 'y'): (number | string)[] {
  return letter === 'x' ? t.x : t.y;
}

export function buildScale(traces: PlotlyTrace[], axis: PlotlyAxis | undefined, letter: 'x' | 'y', start: number, length: number): Scale {
  const values = traces.flatMap((t) => traceValues(t, letter));
  // SVG y grows downwards, so a y axis runs against the pixels unless plotly reverses it too.
  const inverted = (letter === 'y') !== (axis?.autorange === 'reversed');
  if (isCategorical(axis, values) || traces.some((t) => t.type === 'heatmap')) {
    return categoryScale(values, inverted, start, length);
  }
  const numbers = values.map(Number).filter(Number.isFinite);
  const span = numericTickSpan(numbers, axis, traces.some((t) => t.type === 'bar'));
  return numericScale(span, inverted, start, length);
}

/** One equal band per distinct value, in order of first appearance. */
function categoryScale(values: (number | string)[], inverted: boolean, start: number, length: number): Scale {
  const categories = [...new Set(values.map(String))];
  const band = length / Math.max(1, categories.length);
  const pos = (c: string) => {
    const i = categories.indexOf(c);
    const k = inverted ? categories.length - 1 - i : i;
    return start + (k + 0.5) * band;
  };
  return { map: (v) => pos(String(v)), band, ticks: categories.map((c) => ({ at: pos(c), label: c })) };
}

/** A linear scale over `span`, with labelled ticks. */
function numericScale(span: TickSpan, inverted: boolean, start: number, length: number): Scale {
  const width = span.hi - span.lo || 1;
  // Clamped so bars on a zoomed axis stop at the plot edge instead of spilling over the labels.
  const map = (v: number | string) => {
    const f = Math.min(1, Math.max(0, (Number(v) - span.lo) / width));
    return start + (inverted ? 1 - f : f) * length;
  };
  return { map, band: 0, ticks: span.ticks.map((t) => ({ at: map(t), label: tickLabel(t, span.step) })) };
}

/** The bounds and ticks of a numeric axis: the data (and 0 for bars), or the axis' own range and ticks. */
function numericTickSpan(numbers: number[], axis: PlotlyAxis | undefined, hasBars: boolean): TickSpan {
  let lo = numbers.length ? Math.min(...numbers) : 0;
  let hi = numbers.length ? Math.max(...numbers) : 1;
  if (hasBars) {
    lo = Math.min(0, lo);
    hi = Math.max(0, hi);
  }
  let span = niceTicks(lo, hi);
  if (axis?.range) span = fixedRangeSpan(axis.range);
  else if (!hasBars) span = paddedSpan(lo, hi);
  if (axis?.tickmode === 'linear' && axis.dtick) span = linearTicks(span, axis.dtick, axis.tick0);
  return span;
}

function fixedRangeSpan(range: [number, number]): TickSpan {
  const span = { ...niceTicks(range[0], range[1]), lo: range[0], hi: range[1] };
  span.ticks = span.ticks.filter((t) => t >= range[0] - 1e-9 && t <= range[1] + 1e-9);
  return span;
}

/** Lines get a little air above and below instead of snapping to the outermost tick. */
function paddedSpan(lo: number, hi: number): TickSpan {
  const pad = (hi - lo || Math.abs(hi) || 1) * LINE_AXIS_PADDING;
  const padded = niceTicks(lo - pad, hi + pad);
  return { ...padded, lo: lo - pad, hi: hi + pad, ticks: padded.ticks.filter((t) => t >= lo - pad && t <= hi + pad) };
}

/** Plotly's `tickmode: 'linear'`: a tick every `dtick` from `tick0`, within the span. */
function linearTicks(span: TickSpan, dtick: number, tick0: number | undefined): TickSpan {
  const first = tick0 ?? span.lo;
  const ticks: number[] = [];
  for (let t = first; t <= span.hi + 1e-9; t += dtick) if (t >= span.lo - 1e-9) ticks.push(t);
  return { ...span, step: dtick, ticks };
}
