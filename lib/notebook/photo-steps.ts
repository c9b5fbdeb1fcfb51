/**
 * The photo -> 28x28 preparation (lib/imaging/preprocess.ts) taken apart for a lesson: the picture
 * after each step, from the same functions preprocessDigit uses, so the strip shows what really
 * happens to a photo; its last picture is preprocessDigit's own output.
 */
import { type DigitImage, shrinkDigitImage } from '../imaging/gray';
import { dropBorderFrames, dropInkSpecks } from '../imaging/components';
import {
  DIGIT_FIT_BOX, DIGIT_INPUT_SIZE, FRAME_BORDER_FRACTION, MAX_WORKING_SIDE, SPECK_RATIO,
  findInk, preprocessDigit, type PreprocessOptions,
} from '../imaging/preprocess';
import { areaResampleBox } from '../imaging/resample';
import { displayBundle } from './display';
import { escapeHtml, styleAttr } from './html';
import { digitPng, pngImgTag } from './images';
import { VIZ_CSS, VIZ_FONT, withThemeStyle } from './theme';

/** One picture of the strip: values 0..1, row-major. */
export interface PhotoStep {
  title: string;
  /** What the step did to this photo (the threshold it chose, whether it inverted...). */
  note: string;
  width: number;
  height: number;
  pixels: Float32Array;
}

/** The largest side a step is drawn at; bigger pictures are shrunk for the page only. */
const SHOWN_SIDE = 112;

/**
 * The six pictures of preprocessDigit on one photo: gray levels, ink made bright, threshold,
 * cropped to the ink, scaled to fit 20x20, and placed by its centre of mass in 28x28.
 */
export function photoPipelineSteps(photo: DigitImage, options: PreprocessOptions = {}): PhotoStep[] {
  const factor = Math.ceil(Math.max(photo.width, photo.height) / MAX_WORKING_SIDE);
  const work = shrinkDigitImage(photo, factor);
  const { width, height } = work;
  const ink = findInk(work, options);
  const strength = ink.strength;
  if (options.dropFrames ?? true) dropBorderFrames(strength, width, height, FRAME_BORDER_FRACTION);
  if (options.despeckle ?? true) dropInkSpecks(strength, width, height, SPECK_RATIO);
  const final = preprocessDigit(work, options);
  const box = final.box;
  const cropped = new Float32Array(box.width * box.height);
  for (let y = 0; y < box.height; y++) {
    cropped.set(strength.subarray((box.y + y) * width + box.x, (box.y + y) * width + box.x + box.width), y * box.width);
  }
  const scale = DIGIT_FIT_BOX / Math.max(box.width, box.height);
  const fitted = normalised(areaResampleBox(strength, width, box, scale,
    (DIGIT_INPUT_SIZE - box.width * scale) / 2, (DIGIT_INPUT_SIZE - box.height * scale) / 2, DIGIT_INPUT_SIZE));
  const toUnit = (g: ArrayLike<number>, flip: boolean) => Float32Array.from(g, (v) => (flip ? 255 - v : v) / 255);
  return [
    { title: '1. gray levels', note: `${photo.width}×${photo.height}${factor > 1 ? `, shrunk ${factor}×` : ''}`, width, height, pixels: toUnit(work.gray, false) },
    { title: '2. ink made bright', note: ink.inverted ? 'dark ink: inverted' : 'already bright ink', width, height, pixels: toUnit(work.gray, ink.inverted) },
    { title: '3. threshold', note: ink.threshold === null ? 'paper level removed' : `ink above ${Math.round(ink.threshold)}`, width, height, pixels: strength },
    { title: '4. cropped to the ink', note: `${box.width}×${box.height}`, width: box.width, height: box.height, pixels: cropped },
    { title: `5. fit ${DIGIT_FIT_BOX}×${DIGIT_FIT_BOX}`, note: 'aspect ratio kept', width: DIGIT_INPUT_SIZE, height: DIGIT_INPUT_SIZE, pixels: fitted },
    { title: '6. centre of mass', note: `at pixel (14, 14) of ${DIGIT_INPUT_SIZE}×${DIGIT_INPUT_SIZE}`, width: DIGIT_INPUT_SIZE, height: DIGIT_INPUT_SIZE, pixels: final.pixels },
  ];
}

function normalised(values: Float32Array): Float32Array {
  let max = 0;
  for (const v of values) max = Math.max(max, v);
  if (max > 0) for (let i = 0; i < values.length; i++) values[i] /= max;
  return values;
}

/** A step's pixels at most SHOWN_SIDE on a side, for drawing. */
function shownPixels(step: PhotoStep): { pixels: Float32Array; width: number; height: number } {
  const factor = Math.ceil(Math.max(step.width, step.height) / SHOWN_SIDE);
  if (factor <= 1) return step;
  const gray = Uint8Array.from(step.pixels, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255));
  const small = shrinkDigitImage({ width: step.width, height: step.height, gray }, factor);
  return { pixels: Float32Array.from(small.gray, (v) => v / 255), width: small.width, height: small.height };
}

/** The steps side by side, each picture with its title and note underneath, as one HTML block. */
export function photoStepsHtml(steps: PhotoStep[], title?: string): string {
  const figures = steps.map((step) => {
    const shown = shownPixels(step);
    const scale = Math.max(1, Math.floor(SHOWN_SIDE / Math.max(shown.width, shown.height)));
    const png = digitPng(shown.pixels, 0, { size: [shown.height, shown.width], scale });
    const caption = `<figcaption style="${styleAttr({ 'font-size': '12px', 'text-align': 'center', 'max-width': '130px', color: VIZ_CSS.text })}">` +
      `<b>${escapeHtml(step.title)}</b><br>${escapeHtml(step.note)}</figcaption>`;
    const img = pngImgTag(png, `${step.title}: ${step.note}`, { width: `${shown.width * scale}px`, height: `${shown.height * scale}px` });
    return `<figure style="${styleAttr({ margin: '0', display: 'flex', 'flex-direction': 'column', 'align-items': 'center', gap: '4px' })}">${img}${caption}</figure>`;
  });
  const heading = title ? `<div style="${styleAttr({ 'font-weight': 600, margin: '2px 0 6px', color: VIZ_CSS.text })}">${escapeHtml(title)}</div>` : '';
  const row = styleAttr({ display: 'flex', 'flex-wrap': 'wrap', gap: '10px', 'align-items': 'flex-end' });
  return `<div class="digit-lab-images" style="${styleAttr({ 'font-family': VIZ_FONT, color: VIZ_CSS.text })}">${heading}<div style="${row}">${figures.join('')}</div></div>`;
}

/** Shows the strip in the cell (HTML; the titles and notes as plain text elsewhere). */
export function showPhotoSteps(steps: PhotoStep[], title?: string): void {
  const text = [title, ...steps.map((s) => `${s.title}: ${s.note}`)].filter(Boolean).join('\n');
  displayBundle({ 'text/html': withThemeStyle(photoStepsHtml(steps, title)), 'text/plain': text });
}
