/**
 * The subset of plotly's figure schema that digit-lab's builders produce. Figures are plain JSON
 * objects (no plotly.js in Node): the notebook front end or the HTML export draws them, and
 * `figureSvg` draws the same subset as a static fallback.
 */

/** A bar trace (vertical by default; `orientation: 'h'` for horizontal bars). */
export interface PlotlyBarTrace {
  type: 'bar';
  name?: string;
  x: (number | string)[];
  y: (number | string)[];
  orientation?: 'v' | 'h';
  marker?: { color?: string | string[] };
  text?: string[];
  textposition?: 'auto' | 'outside' | 'inside' | 'none';
  hovertemplate?: string;
  xaxis?: string;
  yaxis?: string;
  showlegend?: boolean;
}

/** A line and/or marker trace. */
export interface PlotlyScatterTrace {
  type: 'scatter';
  mode: 'lines' | 'markers' | 'lines+markers';
  name?: string;
  x: number[];
  y: number[];
  line?: { color?: string; dash?: 'solid' | 'dash' | 'dot'; width?: number };
  marker?: { color?: string; size?: number };
  hovertemplate?: string;
  xaxis?: string;
  yaxis?: string;
  showlegend?: boolean;
  legendgroup?: string;
}

/** A heatmap trace over categorical axes. */
export interface PlotlyHeatmapTrace {
  type: 'heatmap';
  z: number[][];
  x: (number | string)[];
  y: (number | string)[];
  colorscale: [number, string][];
  zmin?: number;
  zmax?: number;
  showscale?: boolean;
  /** Per-cell values for hover text (the raw counts when z is a share). */
  customdata?: number[][];
  hovertemplate?: string;
  xgap?: number;
  ygap?: number;
  xaxis?: string;
  yaxis?: string;
}

export type PlotlyTrace = PlotlyBarTrace | PlotlyScatterTrace | PlotlyHeatmapTrace;

/** Axis settings used by the builders. */
export interface PlotlyAxis {
  title?: { text: string };
  domain?: [number, number];
  anchor?: string;
  range?: [number, number];
  autorange?: boolean | 'reversed';
  type?: 'linear' | 'category';
  tickmode?: 'linear' | 'array' | 'auto';
  dtick?: number;
  tick0?: number;
  tickformat?: string;
  gridcolor?: string;
  zeroline?: boolean;
  showgrid?: boolean;
  linecolor?: string;
  automargin?: boolean;
  constrain?: 'domain';
  scaleanchor?: string;
}

/** A text note placed in data coordinates (used for the heatmap's counts). */
export interface PlotlyAnnotation {
  x: number | string;
  y: number | string;
  text: string;
  showarrow: false;
  xref?: string;
  yref?: string;
  font?: { color?: string; size?: number };
}

export interface PlotlyLayout {
  title?: { text: string; x?: number; font?: { size?: number } };
  width?: number;
  height?: number;
  margin?: { l: number; r: number; t: number; b: number };
  font?: { family?: string; size?: number; color?: string };
  paper_bgcolor?: string;
  plot_bgcolor?: string;
  showlegend?: boolean;
  legend?: { orientation?: 'h' | 'v'; x?: number; y?: number; xanchor?: string; yanchor?: string };
  barmode?: 'group' | 'overlay' | 'stack';
  bargap?: number;
  hovermode?: string | false;
  annotations?: PlotlyAnnotation[];
  [axis: `xaxis${string}` | `yaxis${string}`]: PlotlyAxis | undefined;
}

/** A complete figure: what `application/vnd.plotly.v1+json` carries. */
export interface PlotlyFigure {
  data: PlotlyTrace[];
  layout: PlotlyLayout;
  config?: { responsive?: boolean; displaylogo?: boolean; displayModeBar?: boolean | 'hover' };
}
