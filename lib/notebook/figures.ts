/**
 * Plotly figure builders for the walkthrough: each returns a plain {data, layout} object with the
 * digit-lab look, ready for `showFigure` (or JSON.stringify into any plotly front end).
 */
import { argmax } from '../common/arrays';
import type { PlotlyAxis, PlotlyFigure, PlotlyLayout, PlotlyScatterTrace, PlotlyTrace } from './figure-types';
import { VIZ_COLORS, VIZ_DEFAULT_SIZE, VIZ_FONT, VIZ_HEATMAP_SCALE, colorAt, readableTextColor } from './theme';

/** Options every builder accepts. */
export interface FigureOptions {
  title?: string;
  width?: number;
  height?: number;
  /** Display names of the classes; defaults to '0'..'9'. */
  classNames?: string[];
}

function classNamesFor(n: number, names?: string[]): string[] {
  if (names && names.length !== n) {
    throw new Error(`viz: classNames has ${names.length} names but the data has ${n} classes`);
  }
  return names ?? Array.from({ length: n }, (_, i) => String(i));
}

function axis(title: string, extra: PlotlyAxis = {}): PlotlyAxis {
  return {
    title: { text: title },
    gridcolor: VIZ_COLORS.grid,
    linecolor: VIZ_COLORS.axis,
    zeroline: false,
    automargin: true,
    ...extra,
  };
}

function baseLayout(title: string, options: FigureOptions, defaults: { width?: number; height?: number } = {}): PlotlyLayout {
  return {
    title: { text: options.title ?? title, x: 0.02, font: { size: 16 } },
    width: options.width ?? defaults.width,
    height: options.height ?? defaults.height ?? VIZ_DEFAULT_SIZE.height,
    margin: { l: 60, r: 20, t: 50, b: 55 },
    font: { family: VIZ_FONT, size: 12, color: VIZ_COLORS.text },
    paper_bgcolor: VIZ_COLORS.background,
    plot_bgcolor: VIZ_COLORS.background,
    hovermode: 'closest',
  };
}

const FIGURE_CONFIG = { responsive: true, displaylogo: false } as const;

function checkFinite(values: ArrayLike<number>, what: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new Error(`viz: ${what}[${i}] is ${values[i]}, expected a finite number`);
  }
}

/** Counts how often each class 0..numClasses-1 occurs; rejects labels outside that range. */
export function countLabels(labels: ArrayLike<number>, numClasses = 10): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (!Number.isInteger(label) || label < 0 || label >= numClasses) {
      throw new Error(`viz: label ${label} at position ${i} is not a class in 0..${numClasses - 1}`);
    }
    counts[label]++;
  }
  return counts;
}

export interface ClassDistributionOptions extends FigureOptions {
  numClasses?: number;
  /** Show each set's share in percent instead of counts (default: true when several sets are given). */
  normalize?: boolean;
}

/**
 * Bar chart of how many examples each class has. Pass one label array, or several named ones
 * (e.g. { train, test }) to compare sets side by side.
 */
export function classDistributionFigure(
  labels: ArrayLike<number> | Record<string, ArrayLike<number>>,
  options: ClassDistributionOptions = {},
): PlotlyFigure {
  const sets: [string, ArrayLike<number>][] = isArrayLike(labels) ? [['examples', labels]] : Object.entries(labels);
  if (sets.length === 0) throw new Error('viz: classDistributionFigure needs at least one label set');
  const numClasses = options.numClasses ?? 10;
  const names = classNamesFor(numClasses, options.classNames);
  const normalize = options.normalize ?? sets.length > 1;
  const palette = [VIZ_COLORS.train, VIZ_COLORS.validation, VIZ_COLORS.test, VIZ_COLORS.highlight];
  const data: PlotlyTrace[] = sets.map(([name, set], k) => {
    const counts = countLabels(set, numClasses);
    const total = set.length || 1;
    const y = normalize ? counts.map((c) => (100 * c) / total) : counts;
    return {
      type: 'bar',
      name: `${name} (${set.length.toLocaleString('en-US')})`,
      x: names,
      y,
      marker: { color: palette[k % palette.length] },
      hovertemplate: normalize ? `${name}<br>digit %{x}: %{y:.2f}%<extra></extra>` : `digit %{x}: %{y} examples<extra></extra>`,
    };
  });
  const layout = baseLayout('Examples per class', options);
  layout.xaxis = axis('digit', { type: 'category' });
  layout.yaxis = axis(normalize ? 'share of set (%)' : 'examples');
  layout.barmode = 'group';
  layout.bargap = 0.2;
  layout.showlegend = sets.length > 1;
  layout.legend = { orientation: 'h', x: 1, xanchor: 'right', y: 1.02, yanchor: 'bottom' };
  return { data, layout, config: { ...FIGURE_CONFIG } };
}

function isArrayLike(value: unknown): value is ArrayLike<number> {
  return Array.isArray(value) || ArrayBuffer.isView(value);
}

/** One epoch of a training history. `acc`/`accuracy` are fractions in 0..1. */
export interface HistoryPoint {
  epoch?: number;
  loss: number;
  acc?: number;
  accuracy?: number;
  valLoss?: number | null;
  valAcc?: number | null;
}

export interface TrainingCurvesOptions extends FigureOptions {
  /** Test accuracy (0..1) drawn as a horizontal line on the accuracy panel. */
  testAccuracy?: number;
  /** Test loss drawn as a horizontal line on the loss panel. */
  testLoss?: number;
}

/**
 * Loss and accuracy per epoch, training vs validation, in two panels side by side; the test
 * result (if given) is a dashed horizontal line so over-fitting shows at a glance.
 */
export function trainingCurvesFigure(history: HistoryPoint[], options: TrainingCurvesOptions = {}): PlotlyFigure {
  if (history.length === 0) throw new Error('viz: trainingCurvesFigure needs at least one epoch of history');
  const epochs = history.map((h, i) => h.epoch ?? i + 1);
  const pick = (f: (h: HistoryPoint) => number | null | undefined): number[] | null => {
    const values = history.map(f);
    return values.every((v) => typeof v === 'number' && Number.isFinite(v)) ? (values as number[]) : null;
  };
  const loss = pick((h) => h.loss);
  if (!loss) throw new Error('viz: every history entry needs a finite loss');
  const acc = pick((h) => h.acc ?? h.accuracy);
  const valLoss = pick((h) => h.valLoss);
  const valAcc = pick((h) => h.valAcc);
  const pct = (v: number[]) => v.map((x) => x * 100);
  const mode = history.length > 1 ? 'lines+markers' : 'markers';

  const series = (name: string, x: number[], y: number[], color: string, xaxis: string, yaxis: string, unit: string, showlegend: boolean): PlotlyScatterTrace => ({
    type: 'scatter',
    mode,
    name,
    x,
    y,
    line: { color, width: 2 },
    marker: { color, size: 6 },
    xaxis,
    yaxis,
    legendgroup: name,
    showlegend,
    hovertemplate: `${name}<br>epoch %{x}: %{y:.4f}${unit}<extra></extra>`,
  });
  const data: PlotlyTrace[] = [series('training', epochs, loss, VIZ_COLORS.train, 'x', 'y', '', true)];
  if (valLoss) data.push(series('validation', epochs, valLoss, VIZ_COLORS.validation, 'x', 'y', '', true));
  if (acc) data.push(series('training', epochs, pct(acc), VIZ_COLORS.train, 'x2', 'y2', '%', false));
  if (valAcc) data.push(series('validation', epochs, pct(valAcc), VIZ_COLORS.validation, 'x2', 'y2', '%', false));

  const first = Math.min(...epochs);
  const last = Math.max(...epochs);
  const span: [number, number] = first === last ? [first - 0.5, last + 0.5] : [first, last];
  const testLine = (value: number, label: string, xaxis: string, yaxis: string, showlegend: boolean): PlotlyScatterTrace => ({
    type: 'scatter',
    mode: 'lines',
    name: label,
    x: span,
    y: [value, value],
    line: { color: VIZ_COLORS.test, dash: 'dash', width: 2 },
    xaxis,
    yaxis,
    legendgroup: 'test',
    showlegend,
    hovertemplate: `${label}<extra></extra>`,
  });
  if (options.testLoss !== undefined) {
    data.push(testLine(options.testLoss, `test loss ${options.testLoss.toFixed(4)}`, 'x', 'y', true));
  }
  if (options.testAccuracy !== undefined) {
    const label = `test accuracy ${(options.testAccuracy * 100).toFixed(2)}%`;
    data.push(testLine(options.testAccuracy * 100, label, 'x2', 'y2', true));
  }

  const layout = baseLayout('Training curves', options, { height: 380 });
  // Both panels get the same explicit epoch range: left to autorange, one epoch gave a loss panel
  // padded by the test line (0-2) next to an accuracy panel squeezed to the single tick "1".
  const epochAxis = (domain: [number, number], anchor: string) =>
    axis('epoch', {
      domain,
      anchor,
      type: 'linear',
      range: first === last ? [first - 0.5, last + 0.5] : [first - 0.1 * (last - first), last + 0.1 * (last - first)],
      tickmode: last - first <= 12 ? 'linear' : 'auto',
      dtick: 1,
      tick0: first,
    });
  layout.xaxis = epochAxis([0, 0.44], 'y');
  layout.yaxis = axis('loss', { anchor: 'x' });
  layout.xaxis2 = epochAxis([0.56, 1], 'y2');
  layout.yaxis2 = axis('accuracy (%)', { anchor: 'x2' });
  layout.showlegend = true;
  layout.legend = { orientation: 'h', x: 1, xanchor: 'right', y: 1.02, yanchor: 'bottom' };
  layout.hovermode = 'x';
  return { data, layout, config: { ...FIGURE_CONFIG } };
}

export interface ConfusionMatrixOptions extends FigureOptions {
  /** Axis titles (default 'predicted' and 'true'). */
  xTitle?: string;
  yTitle?: string;
}

/**
 * Confusion-matrix heatmap: rows are true classes, columns predicted ones, each cell annotated
 * with its count. Colour is the row share (recall-like), so a few mistakes in a big class still show.
 */
export function confusionMatrixFigure(matrix: number[][], options: ConfusionMatrixOptions = {}): PlotlyFigure {
  const n = matrix.length;
  if (n === 0) throw new Error('viz: confusion matrix is empty');
  matrix.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== n) throw new Error(`viz: confusion matrix row ${i} has ${row?.length} entries, expected ${n} (square matrix)`);
    checkFinite(row, `confusion matrix row ${i} `);
  });
  const names = classNamesFor(n, options.classNames);
  const share = matrix.map((row) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((c) => (total > 0 ? c / total : 0));
  });
  // Square-root colour scale: lifts small off-diagonal shares (0.5%) off white without hiding the diagonal.
  const z = share.map((row) => row.map((s) => Math.sqrt(s)));
  const annotations = matrix.flatMap((row, i) =>
    row.map((count, j) => {
      const background = colorAt(VIZ_HEATMAP_SCALE, z[i][j]);
      return {
        x: names[j],
        y: names[i],
        text: String(count),
        showarrow: false as const,
        xref: 'x',
        yref: 'y',
        font: { size: 11, color: count === 0 ? VIZ_COLORS.mutedText : readableTextColor(background) },
      };
    }),
  );
  const layout = baseLayout('Confusion matrix', options, { width: 560, height: 520 });
  layout.xaxis = axis(options.xTitle ?? 'predicted', { type: 'category', showgrid: false, constrain: 'domain' });
  layout.yaxis = axis(options.yTitle ?? 'true', { type: 'category', showgrid: false, autorange: 'reversed', scaleanchor: 'x', constrain: 'domain' });
  layout.annotations = annotations;
  return {
    data: [
      {
        type: 'heatmap',
        z,
        x: names,
        y: names,
        colorscale: VIZ_HEATMAP_SCALE,
        zmin: 0,
        zmax: 1,
        showscale: false,
        xgap: 1,
        ygap: 1,
        customdata: matrix.map((row) => [...row]),
        hovertemplate: 'true %{y}, predicted %{x}: %{customdata} images<extra></extra>',
      },
    ],
    layout,
    config: { ...FIGURE_CONFIG },
  };
}

/** One class's metrics as evaluate produces them (fractions in 0..1). */
export interface PerClassMetricRow {
  precision: number;
  recall: number;
  f1?: number;
}

export interface PerClassBarsOptions extends FigureOptions {
  /** Values are fractions shown as percentages (default true). */
  percent?: boolean;
  /** Zoom the value axis onto the data when everything is high (default true). */
  zoom?: boolean;
  yTitle?: string;
}

/**
 * Grouped bars per class: either evaluate's per-class rows (precision, recall, F1) or any named
 * series, e.g. { accuracy: [...10 values] }.
 */
export function perClassBarsFigure(
  input: PerClassMetricRow[] | Record<string, ArrayLike<number>>,
  options: PerClassBarsOptions = {},
): PlotlyFigure {
  const series: [string, number[]][] = Array.isArray(input)
    ? ([
        ['precision', input.map((r) => r.precision)],
        ['recall', input.map((r) => r.recall)],
        ...(input.every((r) => typeof r.f1 === 'number') ? [['F1', input.map((r) => r.f1 as number)] as [string, number[]]] : []),
      ] as [string, number[]][])
    : Object.entries(input).map(([k, v]) => [k, Array.from(v)]);
  if (series.length === 0 || series[0][1].length === 0) throw new Error('viz: perClassBarsFigure needs at least one series with values');
  const n = series[0][1].length;
  series.forEach(([name, values]) => {
    if (values.length !== n) throw new Error(`viz: series "${name}" has ${values.length} values, expected ${n}`);
    checkFinite(values, `series "${name}"`);
  });
  const percent = options.percent ?? true;
  const names = classNamesFor(n, options.classNames);
  const palette = [VIZ_COLORS.train, VIZ_COLORS.validation, VIZ_COLORS.test, VIZ_COLORS.highlight];
  const scaled = series.map(([name, v]) => [name, percent ? v.map((x) => x * 100) : v] as [string, number[]]);
  const data: PlotlyTrace[] = scaled.map(([name, values], k) => ({
    type: 'bar',
    name,
    x: names,
    y: values,
    marker: { color: palette[k % palette.length] },
    hovertemplate: `${name}<br>digit %{x}: %{y:.2f}${percent ? '%' : ''}<extra></extra>`,
  }));
  const all = scaled.flatMap(([, v]) => v);
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const layout = baseLayout('Per-class metrics', options);
  const zoom = (options.zoom ?? true) && percent && lo > 80;
  layout.xaxis = axis('digit', { type: 'category' });
  layout.yaxis = axis(options.yTitle ?? (percent ? (zoom ? '% (axis zoomed)' : '%') : 'value'), {
    range: zoom ? [Math.floor(lo - (hi - lo) * 0.3 - 0.5), Math.min(100, hi) + 0.2] : undefined,
  });
  layout.barmode = 'group';
  layout.showlegend = series.length > 1;
  layout.legend = { orientation: 'h', x: 1, xanchor: 'right', y: 1.02, yanchor: 'bottom' };
  return { data, layout, config: { ...FIGURE_CONFIG } };
}

export interface ProbabilityBarsOptions extends FigureOptions {
  /** The true class, if known: marked green (and the prediction red when it is wrong). */
  trueLabel?: number;
}

/** Bars of one prediction's class probabilities, the predicted class highlighted. */
export function probabilityBarsFigure(probabilities: ArrayLike<number>, options: ProbabilityBarsOptions = {}): PlotlyFigure {
  const probs = Array.from(probabilities);
  if (probs.length === 0) throw new Error('viz: probabilityBarsFigure needs at least one probability');
  checkFinite(probs, 'probabilities');
  const names = classNamesFor(probs.length, options.classNames);
  const predicted = argmax(probs);
  const wrong = options.trueLabel !== undefined && options.trueLabel !== predicted;
  const colors = probs.map((_, i) => {
    if (i === options.trueLabel) return VIZ_COLORS.test;
    if (i === predicted) return wrong ? VIZ_COLORS.highlight : VIZ_COLORS.accent;
    return '#c9d3dd';
  });
  const title = `Prediction: ${names[predicted]} (${(probs[predicted] * 100).toFixed(1)}%)` +
    (options.trueLabel !== undefined ? ` · true: ${names[options.trueLabel] ?? options.trueLabel}` : '');
  const layout = baseLayout(title, options, { width: 420, height: 280 });
  layout.margin = { l: 50, r: 15, t: 45, b: 45 };
  layout.xaxis = axis('digit', { type: 'category' });
  layout.yaxis = axis('probability (%)', { range: [0, 105] });
  layout.showlegend = false;
  return {
    data: [
      {
        type: 'bar',
        x: names,
        y: probs.map((p) => p * 100),
        marker: { color: colors },
        text: probs.map((p) => (p >= 0.01 ? `${(p * 100).toFixed(p >= 0.995 ? 0 : 1)}%` : '')),
        textposition: 'outside',
        hovertemplate: 'digit %{x}: %{y:.2f}%<extra></extra>',
      },
    ],
    layout,
    config: { ...FIGURE_CONFIG },
  };
}
