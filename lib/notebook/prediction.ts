/**
 * One prediction on a picture of a digit, shown as a card: the photo or scan as it came, the
 * 28x28 input the model saw, and the class probabilities as a static bar chart, in one output.
 */
import { argmax } from '../common/arrays';
import { type DisplayOptions, displayBundle } from './display';
import { probabilityBarsFigure } from './figures';
import { escapeHtml, styleAttr } from './html';
import { type PixelArray, digitPng, pngImgTag } from './images';
import { figureSvg, svgImgTag } from './svg';
import { VIZ_CSS, VIZ_FONT, withThemeStyle } from './theme';

/** A decoded grey image of any size (the image module's DigitImage has this shape). */
export interface GreyImageLike {
  width: number;
  height: number;
  gray: Uint8Array;
}

export interface PredictionCardInput {
  /** Title, e.g. the file name. */
  title?: string;
  /** The original picture (dark ink on light paper is fine: shown as it is). */
  source?: GreyImageLike;
  /** The model input: 28x28 values in 0..1, ink bright (as preprocessing returns it). */
  pixels: PixelArray;
  probabilities: ArrayLike<number>;
  trueLabel?: number;
}

function imageBox(label: string, img: string): string {
  return `<figure style="${styleAttr({ margin: '0', display: 'flex', 'flex-direction': 'column', 'align-items': 'center', gap: '4px' })}">${img}` +
    `<figcaption style="${styleAttr({ 'font-size': '12px', color: VIZ_CSS.subtleText })}">${escapeHtml(label)}</figcaption></figure>`;
}

/** The card as HTML: original, model input and probability bars side by side. */
export function predictionCardHtml(input: PredictionCardInput): string {
  const probs = Array.from(input.probabilities);
  const fig = probabilityBarsFigure(probs, { trueLabel: input.trueLabel, width: 380, height: 230 });
  const parts: string[] = [];
  if (input.source) {
    const { width, height, gray } = input.source;
    if (gray.length !== width * height) throw new Error(`viz: source image is ${width}x${height} but has ${gray.length} pixels`);
    // Shown at its own resolution, scaled down by the browser: a photo must not be blocky.
    const png = digitPng({ images: gray, rows: height, cols: width }, 0, { scale: 1 });
    parts.push(imageBox(`original ${width}×${height}`, pngImgTag(png, 'original picture', { 'image-rendering': 'auto', 'max-height': '140px', 'max-width': '180px', border: `1px solid ${VIZ_CSS.border}` })));
  }
  parts.push(imageBox('model input 28×28', pngImgTag(digitPng(input.pixels, 0, { scale: 5 }), 'model input')));
  parts.push(`<div>${svgImgTag(figureSvg(fig), fig.layout.title?.text ?? 'probabilities')}</div>`);
  const title = input.title ? `<div style="${styleAttr({ 'font-weight': 600, 'margin-bottom': '4px', color: VIZ_CSS.text })}">${escapeHtml(input.title)}</div>` : '';
  return `<div class="digit-lab-prediction" style="${styleAttr({ 'font-family': VIZ_FONT, color: VIZ_CSS.text, margin: '4px 0' })}">${title}` +
    `<div style="${styleAttr({ display: 'flex', 'flex-wrap': 'wrap', 'align-items': 'center', gap: '16px' })}">${parts.join('')}</div></div>`;
}

/** Shows a prediction card (text front ends get the predicted digit and its probability). */
export function showPrediction(input: PredictionCardInput, options: DisplayOptions = {}): void {
  const probs = Array.from(input.probabilities);
  const best = argmax(probs);
  const plain = `${input.title ? `${input.title}: ` : ''}predicted ${best} (${(probs[best] * 100).toFixed(1)}%)`;
  displayBundle({ 'text/html': withThemeStyle(predictionCardHtml(input)), 'text/plain': plain }, options);
}
