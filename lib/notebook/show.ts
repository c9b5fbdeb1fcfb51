/**
 * One-call display helpers for notebook cells. Each builds a MIME bundle (exported as `*Bundle`
 * for the runner and tests) and shows it with `displayBundle`. They return nothing, so a cell
 * ending in `showFigure(fig)` prints no stray value. HTML outputs carry the theme style (see
 * VIZ_THEME_STYLE), so the page's plotly charts follow JupyterLab's dark themes.
 */
import { type DisplayOptions, type DisplayMimeBundle, displayBundle } from './display';
import type { PlotlyFigure } from './figure-types';
import {
  type AugmentationViewOptions,
  type ImageGridHtmlOptions,
  type ImageSource,
  type MistakeExample,
  type MistakesGalleryOptions,
  augmentationComparisonHtml,
  imageGridHtml,
  mistakesGalleryHtml,
} from './images';
import { figureFallbackHtml } from './svg';
import { type TableInput, type TableOptions, dataFrameHtml, tableText } from './tables';
import { withThemeStyle } from './theme';

/** MIME type of plotly figures (JupyterLab's plotly renderer, VS Code, our HTML export). */
export const PLOTLY_MIME_TYPE = 'application/vnd.plotly.v1+json';

/** A plotly figure as a bundle: the figure JSON, a static SVG in HTML, and a text line. */
export function figureBundle(fig: PlotlyFigure): DisplayMimeBundle {
  if (!fig || !Array.isArray(fig.data) || typeof fig.layout !== 'object') {
    throw new Error('viz: a figure needs `data` (an array of traces) and `layout` (an object)');
  }
  const title = fig.layout.title?.text;
  // Plain JSON copy: the front end gets exactly what JSON can carry (no typed arrays, no undefined).
  const json = JSON.parse(JSON.stringify({ data: fig.data, layout: fig.layout, config: fig.config ?? {} }));
  return {
    [PLOTLY_MIME_TYPE]: json,
    'text/html': figureFallbackHtml(fig),
    'text/plain': `<Figure${title ? `: ${title}` : ''} (${fig.data.length} trace${fig.data.length === 1 ? '' : 's'})>`,
  };
}

/** Shows a plotly figure (interactive where plotly renders, a static SVG elsewhere). */
export function showFigure(fig: PlotlyFigure, options: DisplayOptions = {}): void {
  displayBundle(figureBundle(fig), options);
}

/** A table as a bundle: styled HTML plus aligned plain text. */
export function tableBundle(input: TableInput, options: TableOptions = {}): DisplayMimeBundle {
  return { 'text/html': withThemeStyle(dataFrameHtml(input, options)), 'text/plain': tableText(input, options) };
}

/** Shows a danfojs DataFrame/Series or an array of row objects as a styled table. */
export function showTable(input: TableInput, options: TableOptions = {}, display: DisplayOptions = {}): void {
  displayBundle(tableBundle(input, options), display);
}

/** Shows HTML (with a plain-text stand-in for text-only front ends). */
export function showHtml(html: string, plainText = '<HTML output>', options: DisplayOptions = {}): void {
  displayBundle({ 'text/html': html, 'text/plain': plainText }, options);
}

/** Shows markdown (front ends render it; text-only ones show the source). */
export function showMarkdown(markdown: string, options: DisplayOptions = {}): void {
  displayBundle({ 'text/markdown': markdown, 'text/plain': markdown }, options);
}

/** Shows PNG bytes as an image output. */
export function showPng(png: Uint8Array, plainText = '<PNG image>', options: DisplayOptions = {}): void {
  displayBundle({ 'image/png': png, 'text/plain': plainText }, options);
}

/** Bundle of an image gallery with text captions. */
export function imageGridBundle(images: ImageSource, indices: ArrayLike<number>, options: ImageGridHtmlOptions = {}): DisplayMimeBundle {
  return { 'text/html': withThemeStyle(imageGridHtml(images, indices, options)), 'text/plain': `<${indices.length} images>` };
}

/** Shows images as a captioned grid (labels default to the image set's labels). */
export function showImageGrid(images: ImageSource, indices: ArrayLike<number>, options: ImageGridHtmlOptions = {}): void {
  displayBundle(imageGridBundle(images, indices, options));
}

/** Shows originals above their augmented copies. */
export function showAugmentation(originals: ImageSource, augmented: ImageSource, options: AugmentationViewOptions = {}): void {
  displayBundle({ 'text/html': withThemeStyle(augmentationComparisonHtml(originals, augmented, options)), 'text/plain': '<original vs augmented images>' });
}

/** Shows a gallery of misclassified images captioned with true label, prediction and confidence. */
export function showMistakes(images: ImageSource, mistakes: MistakeExample[], options: MistakesGalleryOptions = {}): void {
  displayBundle({ 'text/html': withThemeStyle(mistakesGalleryHtml(images, mistakes, options)), 'text/plain': `<${mistakes.length} mistakes>` });
}
