/**
 * A grayscale picture of one handwritten digit -> a 28x28 input prepared the way MNIST was:
 * polarity made "ink bright on black", paper removed by a threshold, cropped to the ink, scaled
 * to fit a 20x20 box keeping the aspect ratio (area-averaged, so anti-aliased), and placed in
 * 28x28 so that the ink's centre of mass is at pixel (14, 14) (the mean centre of MNIST digits).
 *
 * Pure and dependency-free (typed arrays only; no Node APIs, no tfjs) because the browser's
 * drawing pad must run exactly this code.
 */
import { assertDigitImage, shrinkDigitImage } from './gray';
import type { DigitImage } from './gray';
import { histogram256, histogramQuantile, otsuThreshold, thresholdClasses } from './threshold';
import { dropBorderFrames, dropInkSpecks } from './components';
import { areaResampleBox } from './resample';
import type { DigitBox } from './resample';

/** Side of the output image. */
export const DIGIT_INPUT_SIZE = 28;
/** Side of the box the digit is scaled to fit. */
export const DIGIT_FIT_BOX = 20;
/** Where the ink's centre of mass goes, in pixel indices (row, col). */
export const DIGIT_MASS_CENTRE = 14;
/** Larger inputs are first shrunk (box filter) until their longer side is at most this. */
export const MAX_WORKING_SIDE = 1024;
/** Ink and paper must differ by at least this many gray levels, or the image counts as blank. */
export const MIN_INK_CONTRAST = 32;
/** Ink regions lighter than this fraction of the heaviest region count as specks and are dropped. */
export const SPECK_RATIO = 0.02;
/** Ink regions touching more than this fraction of the picture's edge count as frames. */
export const FRAME_BORDER_FRACTION = 0.15;

/** Options of `preprocessDigit`. */
export interface PreprocessOptions {
  /**
   * How ink is told from paper, on the ink-bright scale 0..255 (after any inversion): 'otsu'
   * (default) picks the level from the histogram; a number t makes every pixel brighter than t
   * ink; 'none' only subtracts the paper level (the border median), for clean drawings.
   */
  threshold?: 'otsu' | number | 'none';
  /**
   * 'auto' (default) detects the polarity; true means the input is dark ink on light paper and
   * gets inverted; false means it is already light ink on dark (like MNIST).
   */
  invert?: 'auto' | boolean;
  /** Drop small ink specks (paper noise) before cropping; default true. */
  despeckle?: boolean;
  /**
   * Drop ink regions that run along the picture's edge (the desk around the paper, a scanner
   * shadow) before cropping, unless nothing else is left; default true.
   */
  dropFrames?: boolean;
}

/** The result of `preprocessDigit`. */
export interface PreprocessedDigit {
  /** 28 * 28 values, row-major, ink bright (1.0) on black (0.0), like MNIST / 255. */
  pixels: Float32Array;
  /** Whether the input was inverted (it was dark ink on light paper). */
  inverted: boolean;
  /** The threshold used, on the ink-bright 0..255 scale; null for threshold 'none'. */
  threshold: number | null;
  /** The ink's bounding box in the input image's pixels. */
  box: DigitBox;
}

function validateOptions(options: PreprocessOptions): void {
  const t = options.threshold;
  if (t !== undefined && t !== 'otsu' && t !== 'none' && !(typeof t === 'number' && t >= 0 && t < 255)) {
    throw new Error(`invalid threshold ${JSON.stringify(t)}: use 'otsu', 'none' or a number in [0, 255)`);
  }
  const inv = options.invert;
  if (inv !== undefined && inv !== 'auto' && typeof inv !== 'boolean') {
    throw new Error(`invalid invert ${JSON.stringify(inv)}: use 'auto', true or false`);
  }
}

/** Median gray level of the outermost ring of pixels: what the paper looks like. */
function borderMedian(img: DigitImage): number {
  const { width, height, gray } = img;
  const hist = new Uint32Array(256);
  for (let x = 0; x < width; x++) {
    hist[gray[x]]++;
    if (height > 1) hist[gray[(height - 1) * width + x]]++;
  }
  for (let y = 1; y < height - 1; y++) {
    hist[gray[y * width]]++;
    if (width > 1) hist[gray[y * width + width - 1]]++;
  }
  return histogramQuantile(hist, 0.5);
}

/**
 * Decides whether the ink is dark (so the image must be inverted): ink is the minority class of
 * an Otsu split; when the split is near even, the border (the paper) decides.
 */
function detectDarkInk(hist: Uint32Array, split: number, paperLevel: number): boolean {
  const { highFraction } = thresholdClasses(hist, split);
  if (highFraction < 0.4) return false;
  if (highFraction > 0.6) return true;
  return paperLevel > split;
}

/** Ink-bright 0..255 levels -> ink strength 0..1 with the paper at 0. */
function inkStrength(
  ink: Uint8Array,
  threshold: PreprocessOptions['threshold'],
  paperLevel: number,
): { strength: Float32Array; threshold: number | null } {
  const hist = histogram256(ink);
  const strength = new Float32Array(ink.length);
  if (threshold === 'none') {
    const max = histogramQuantile(hist, 1);
    if (max - paperLevel < MIN_INK_CONTRAST) {
      throw new Error(`blank image: no ink found (ink is only ${Math.max(0, max - paperLevel)} gray levels above the paper)`);
    }
    for (let i = 0; i < ink.length; i++) strength[i] = Math.max(0, (ink[i] - paperLevel) / (max - paperLevel));
    return { strength, threshold: null };
  }
  const t = threshold === undefined || threshold === 'otsu' ? otsuThreshold(hist) : threshold;
  const classes = thresholdClasses(hist, Math.floor(t));
  if (classes.highFraction === 0) {
    throw new Error(`blank image: no ink found (no pixel is brighter than the threshold ${t} on the ink scale)`);
  }
  if (threshold === undefined || threshold === 'otsu') {
    if (classes.highMean - classes.lowMean < MIN_INK_CONTRAST) {
      throw new Error(`blank image: no ink found (ink and paper differ by only ${Math.round(classes.highMean - classes.lowMean)} gray levels)`);
    }
  }
  // Strokes saturate at the median ink level, so the cores are solid and the edges stay soft.
  const inkOnly = hist.slice();
  inkOnly.fill(0, 0, Math.floor(t) + 1);
  const full = histogramQuantile(inkOnly, 0.5);
  for (let i = 0; i < ink.length; i++) {
    const v = ink[i];
    if (v <= t) continue;
    strength[i] = full > t ? Math.min(1, (v - t) / (full - t)) : 1;
  }
  return { strength, threshold: t };
}

/** Bounding box of the non-zero values, or null when there are none. */
function inkBox(strength: Float32Array, width: number, height: number): DigitBox | null {
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (strength[y * width + x] > 0) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  return x1 < 0 ? null : { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

/** Centre of mass (continuous coordinates, pixel i spans [i, i+1)) relative to the box corner. */
function boxCentreOfMass(strength: Float32Array, width: number, box: DigitBox): [number, number] {
  let total = 0;
  let sx = 0;
  let sy = 0;
  for (let v = 0; v < box.height; v++) {
    for (let u = 0; u < box.width; u++) {
      const m = strength[(box.y + v) * width + box.x + u];
      total += m;
      sx += m * (u + 0.5);
      sy += m * (v + 0.5);
    }
  }
  return [sx / total, sy / total];
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/** Where the ink is in a picture: the first step of `preprocessDigit`. */
export interface InkMap {
  /** Ink strength per pixel, 0 (paper) .. 1 (solid stroke), row-major like the input. */
  strength: Float32Array;
  /** Whether the input was dark ink on light paper. */
  inverted: boolean;
  /** The threshold used, on the ink-bright 0..255 scale; null for threshold 'none'. */
  threshold: number | null;
  /** Median gray level of the picture's border, in the input's own polarity. */
  paper: number;
  /**
   * The picture and its paper level on the ink-bright scale, the scale of `threshold` (the input's
   * own array when its ink is already bright).
   */
  bright: { gray: Uint8Array; paper: number };
}

/**
 * Finds the ink of a picture exactly as `preprocessDigit` does (polarity, paper level,
 * threshold), without cropping: exported so that a picture of several digits is read with the
 * same notion of ink. Throws "blank image: ..." when there is none.
 */
export function findInk(img: DigitImage, options: Pick<PreprocessOptions, 'threshold' | 'invert'> = {}): InkMap {
  assertDigitImage(img);
  validateOptions(options);
  const hist = histogram256(img.gray);
  const lowest = histogramQuantile(hist, 0);
  const highest = histogramQuantile(hist, 1);
  if (highest - lowest < MIN_INK_CONTRAST) {
    throw new Error(`blank image: no ink found (all gray levels lie in ${lowest}..${highest})`);
  }
  const paper = borderMedian(img);
  const invert = options.invert ?? 'auto';
  const inverted = invert === 'auto' ? detectDarkInk(hist, otsuThreshold(hist), paper) : invert;
  const ink = inverted ? img.gray.map((g) => 255 - g) : img.gray;
  const inkPaper = inverted ? 255 - paper : paper;
  const { strength, threshold } = inkStrength(ink, options.threshold, inkPaper);
  return { strength, inverted, threshold, paper, bright: { gray: ink, paper: inkPaper } };
}

/**
 * Prepares one digit image the MNIST way (see the module comment). Throws "blank image: ..."
 * when no ink is found. Images whose longer side exceeds MAX_WORKING_SIDE are first shrunk by an
 * integer factor; `box` is always reported in the input's pixels.
 */
export function preprocessDigit(img: DigitImage, options: PreprocessOptions = {}): PreprocessedDigit {
  assertDigitImage(img);
  validateOptions(options);
  const factor = Math.ceil(Math.max(img.width, img.height) / MAX_WORKING_SIDE);
  const work = shrinkDigitImage(img, factor);
  const { width, height } = work;

  const { strength, threshold, inverted } = findInk(work, options);
  if (options.dropFrames ?? true) dropBorderFrames(strength, width, height, FRAME_BORDER_FRACTION);
  if (options.despeckle ?? true) dropInkSpecks(strength, width, height, SPECK_RATIO);
  const box = inkBox(strength, width, height);
  if (!box) throw new Error('blank image: no ink found');

  const scale = DIGIT_FIT_BOX / Math.max(box.width, box.height);
  const [cx, cy] = boxCentreOfMass(strength, width, box);
  // Put the centre of mass at the centre of pixel DIGIT_MASS_CENTRE, keeping the whole box on the canvas.
  const offsetX = clamp(DIGIT_MASS_CENTRE + 0.5 - cx * scale, 0, DIGIT_INPUT_SIZE - box.width * scale);
  const offsetY = clamp(DIGIT_MASS_CENTRE + 0.5 - cy * scale, 0, DIGIT_INPUT_SIZE - box.height * scale);
  const pixels = areaResampleBox(strength, width, box, scale, offsetX, offsetY, DIGIT_INPUT_SIZE);
  let max = 0;
  for (const v of pixels) max = Math.max(max, v);
  if (max > 0) for (let i = 0; i < pixels.length; i++) pixels[i] /= max;

  const x = box.x * factor;
  const y = box.y * factor;
  return {
    pixels,
    inverted,
    threshold,
    box: {
      x,
      y,
      width: Math.min(img.width, (box.x + box.width) * factor) - x,
      height: Math.min(img.height, (box.y + box.height) * factor) - y,
    },
  };
}
