/**
 * CSS that makes a plotly chart drawn with light layout colours follow a dark page: transparent
 * paper and plot background, tick labels, titles, legend and outside bar labels in the page's text
 * colours, grid and axis lines in its border colours. Plotly writes colours as inline SVG styles
 * and cannot take CSS variables, so these rules override them with `!important`.
 *
 * Annotations are left alone (a confusion matrix's counts are coloured for the heatmap cell they
 * sit on, which stays the same in both themes), and so are hover labels (coloured per trace).
 * The colours come from Jupyter's variables, which JupyterLab's dark themes and the HTML report's
 * dark mode define; the fallbacks are light-on-dark values for pages that define none.
 */

/** The rules, each selector prefixed with `scope` (e.g. a dark-theme body selector, or ''). */
export function plotlyDarkThemeCss(scope: string): string {
  const s = (selectors: string[]) => selectors.map((sel) => `${scope} .js-plotly-plot ${sel}`.trim()).join(',');
  const text = 'var(--jp-content-font-color1, #e6e6e6)';
  const ticks = 'var(--jp-content-font-color2, #b3b3b3)';
  const grid = 'var(--jp-border-color2, #424242)';
  const axis = 'var(--jp-border-color1, #616161)';
  return [
    `${s(['.main-svg'])}{background:transparent!important}`,
    `${s(['.bglayer .bg', '.legend .bg'])}{fill:transparent!important}`,
    `${s(['.infolayer text[class$="title"]', '.legendtext', '.bartext-outside'])}{fill:${text}!important}`,
    `${s(['[class$="tick"]>text'])}{fill:${ticks}!important}`,
    `${s(['.gridlayer path', '.zerolinelayer path'])}{stroke:${grid}!important}`,
    `${s(['path[class*="lines-above"]', 'path[class*="lines-below"]'])}{stroke:${axis}!important}`,
    `${s(['.modebar-btn path'])}{fill:${ticks}!important}`,
    `${s(['.modebar-group'])}{background:transparent!important}`,
  ].join('');
}
