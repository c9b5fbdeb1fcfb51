/**
 * Digit images as PNG: single digits, grids (one PNG, optional burnt-in labels) and HTML galleries
 * of small PNGs with real text captions (readable, selectable, still one output).
 */
import { PNG } from 'pngjs';
import { BITMAP_FONT_HEIGHT, bitmapTextWidth, drawBitmapText } from './bitmap-font';
import { escapeHtml, styleAttr } from './html';
import { VIZ_CSS, VIZ_FONT } from './theme';

/** Pixels of n images, row-major: Uint8Array 0..255 or Float32Array 0..1 (as tfjs gives them). */
export type PixelArray = Uint8Array | Float32Array | number[];

/** A set of images, e.g. the data loader's ImageSet ({ images, labels, rows, cols }). */
export interface ImageSetLike {
  images: PixelArray;
  labels?: ArrayLike<number>;
  rows?: number;
  cols?: number;
}

export type ImageSource = PixelArray | ImageSetLike;

export interface ImageRenderOptions {
  /** Integer magnification (default 2). */
  scale?: number;
  /** Height and width of one image (default: the set's rows/cols, else 28x28). */
  size?: [number, number];
  /** Draw dark ink on white paper instead of MNIST's white on black (default false). */
  invert?: boolean;
}

interface ResolvedImages {
  pixels: PixelArray;
  labels?: ArrayLike<number>;
  height: number;
  width: number;
  count: number;
  float: boolean;
}

function resolveImages(source: ImageSource, options: ImageRenderOptions): ResolvedImages {
  const set = Array.isArray(source) || ArrayBuffer.isView(source) ? { images: source as PixelArray } : (source as ImageSetLike);
  if (!set.images || typeof (set.images as ArrayLike<number>).length !== 'number') {
    throw new Error('viz: images must be a Uint8Array, Float32Array, number[] or an object with an `images` array');
  }
  const [height, width] = options.size ?? [set.rows ?? 28, set.cols ?? 28];
  if (!(height > 0 && width > 0 && Number.isInteger(height) && Number.isInteger(width))) throw new Error(`viz: image size ${height}x${width} is not a positive whole size`);
  const per = height * width;
  if (set.images.length % per !== 0) {
    throw new Error(`viz: ${set.images.length} pixels is not a whole number of ${height}x${width} images`);
  }
  return { pixels: set.images, labels: set.labels, height, width, count: set.images.length / per, float: !(set.images instanceof Uint8Array) };
}

function checkScale(scale: number): number {
  if (!Number.isInteger(scale) || scale < 1 || scale > 32) throw new Error(`viz: scale ${scale} must be a whole number from 1 to 32`);
  return scale;
}

function checkIndex(img: ResolvedImages, index: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= img.count) throw new Error(`viz: image index ${index} is out of range (0..${img.count - 1})`);
}

/** Grey level 0..255 of one pixel, in display polarity. */
function grey(img: ResolvedImages, index: number, y: number, x: number, invert: boolean): number {
  const v = img.pixels[index * img.height * img.width + y * img.width + x];
  const g = img.float ? Math.round(Math.min(1, Math.max(0, v)) * 255) : Math.min(255, Math.max(0, Math.round(v)));
  return invert ? 255 - g : g;
}

/** A grayscale canvas that encodes to PNG. */
class GreyCanvas {
  readonly png: PNG;
  constructor(readonly width: number, readonly height: number, background: number) {
    this.png = new PNG({ width, height, colorType: 0 });
    this.png.data.fill(255);
    for (let i = 0; i < width * height; i++) this.png.data.fill(background, i * 4, i * 4 + 3);
  }
  set(x: number, y: number, g: number): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const o = (y * this.width + x) * 4;
    this.png.data[o] = this.png.data[o + 1] = this.png.data[o + 2] = g;
  }
  block(x0: number, y0: number, size: number, g: number): void {
    for (let dy = 0; dy < size; dy++) for (let dx = 0; dx < size; dx++) this.set(x0 + dx, y0 + dy, g);
  }
  encode(): Buffer {
    return PNG.sync.write(this.png, { colorType: 0 });
  }
}

function drawDigit(canvas: GreyCanvas, img: ResolvedImages, index: number, left: number, top: number, scale: number, invert: boolean): void {
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) canvas.block(left + x * scale, top + y * scale, scale, grey(img, index, y, x, invert));
  }
}

/** One image as PNG bytes. */
export function digitPng(images: ImageSource, index = 0, options: ImageRenderOptions = {}): Buffer {
  const img = resolveImages(images, options);
  checkIndex(img, index);
  const scale = checkScale(options.scale ?? 2);
  const canvas = new GreyCanvas(img.width * scale, img.height * scale, 0);
  drawDigit(canvas, img, index, 0, 0, scale, options.invert ?? false);
  return canvas.encode();
}

export interface ImageGridOptions extends ImageRenderOptions {
  /** Images per row (default: up to 10). */
  cols?: number;
  /** Pixels between images (default 2). */
  gap?: number;
  /** Label per IMAGE INDEX (e.g. the data set's labels), drawn under each image; defaults to the set's labels. */
  labels?: ArrayLike<number>;
  /** Caption per SHOWN image (same order as `indices`); PNG captions use a small font (digits, ".%:-/>"). */
  captions?: string[];
}

/**
 * A grid of images as one PNG. Labels/captions are drawn with a tiny built-in pixel font; use
 * `imageGridHtml` when captions need words.
 */
export function imageGridPng(images: ImageSource, indices: ArrayLike<number>, options: ImageGridOptions = {}): Buffer {
  const img = resolveImages(images, options);
  const list = Array.from(indices);
  if (list.length === 0) throw new Error('viz: imageGridPng needs at least one index');
  list.forEach((i) => checkIndex(img, i));
  const captions = captionsFor(list, options.labels ?? img.labels, options.captions);
  const scale = checkScale(options.scale ?? 2);
  const cols = Math.max(1, Math.min(options.cols ?? 10, list.length));
  const rows = Math.ceil(list.length / cols);
  const gap = options.gap ?? 2;
  const cellW = img.width * scale;
  const fontScale = Math.max(1, Math.floor(scale / 2));
  const captionH = captions ? (BITMAP_FONT_HEIGHT + 2) * fontScale + 2 : 0;
  const cellH = img.height * scale + captionH;
  const invert = options.invert ?? false;
  const paper = 255;
  const canvas = new GreyCanvas(cols * cellW + (cols + 1) * gap, rows * cellH + (rows + 1) * gap, captions ? paper : 128);
  list.forEach((index, k) => {
    const left = gap + (k % cols) * (cellW + gap);
    const top = gap + Math.floor(k / cols) * (cellH + gap);
    drawDigit(canvas, img, index, left, top, scale, invert);
    const caption = captions?.[k];
    if (caption) {
      const x0 = left + Math.floor((cellW - bitmapTextWidth(caption) * fontScale) / 2);
      const y0 = top + img.height * scale + fontScale + 1;
      drawBitmapText(caption, (x, y) => canvas.block(x0 + x * fontScale, y0 + y * fontScale, fontScale, 0));
    }
  });
  return canvas.encode();
}

function captionsFor(indices: number[], labels: ArrayLike<number> | undefined, captions: string[] | undefined): string[] | null {
  if (captions) {
    if (captions.length !== indices.length) throw new Error(`viz: ${captions.length} captions for ${indices.length} images`);
    return captions;
  }
  if (labels) {
    return indices.map((i) => {
      if (i >= labels.length) throw new Error(`viz: no label for image ${i} (labels has ${labels.length} entries; labels are indexed like the images)`);
      return String(labels[i]);
    });
  }
  return null;
}

/** An <img> tag holding a PNG as a data URL. */
export function pngImgTag(png: Uint8Array, alt: string, extraStyle: Record<string, string | number> = {}): string {
  const b64 = Buffer.from(png.buffer, png.byteOffset, png.byteLength).toString('base64');
  return `<img src="data:image/png;base64,${b64}" alt="${escapeHtml(alt)}" style="${styleAttr({ 'image-rendering': 'pixelated', display: 'block', ...extraStyle })}">`;
}

export interface ImageGridHtmlOptions extends ImageRenderOptions {
  cols?: number;
  /** Label per IMAGE INDEX (e.g. the data set's labels); defaults to the set's own labels. */
  labels?: ArrayLike<number>;
  /** Caption per SHOWN image (same order as `indices`), any text; wins over labels. */
  captions?: string[];
  /** Optional HTML-free title above the grid. */
  title?: string;
  /** Per-image caption colour (CSS), e.g. VIZ_CSS.highlightText for a wrong prediction. */
  captionColors?: (string | undefined)[];
}

const FIGURE_STYLE = styleAttr({ margin: '0', display: 'flex', 'flex-direction': 'column', 'align-items': 'center' });

/**
 * A gallery of small PNGs, each in a <figure> with a text <figcaption>: one HTML output whose
 * captions are real text. Labels default to the image set's labels when it has them.
 */
export function imageGridHtml(images: ImageSource, indices: ArrayLike<number>, options: ImageGridHtmlOptions = {}): string {
  const img = resolveImages(images, options);
  const list = Array.from(indices);
  list.forEach((i) => checkIndex(img, i));
  const captions = captionsFor(list, options.labels ?? img.labels, options.captions);
  const scale = checkScale(options.scale ?? 2);
  const cols = Math.max(1, Math.min(options.cols ?? 10, Math.max(1, list.length)));
  const cells = list.map((index, k) => {
    const png = digitPng(img.pixels, index, { scale, size: [img.height, img.width], invert: options.invert });
    const caption = captions?.[k];
    const color = options.captionColors?.[k];
    const figcaption = caption !== undefined
      ? `<figcaption style="${styleAttr({ 'font-size': '12px', 'line-height': '1.3', 'text-align': 'center', color: color ?? VIZ_CSS.text, 'margin-top': '2px', 'max-width': `${Math.max(img.width * scale, 96)}px` })}">${escapeHtml(caption)}</figcaption>`
      : '';
    return `<figure style="${FIGURE_STYLE}">${pngImgTag(png, caption ? `image ${index}: ${caption}` : `image ${index}`, { width: `${img.width * scale}px`, height: `${img.height * scale}px` })}${figcaption}</figure>`;
  });
  const grid = styleAttr({ display: 'grid', 'grid-template-columns': `repeat(${cols}, max-content)`, gap: '8px 10px', 'align-items': 'start', 'font-family': VIZ_FONT });
  const title = options.title ? `<div style="${styleAttr({ 'font-weight': 600, margin: '2px 0 6px', 'font-family': VIZ_FONT, color: VIZ_CSS.text })}">${escapeHtml(options.title)}</div>` : '';
  return `<div class="digit-lab-images" style="${styleAttr({ color: VIZ_CSS.text })}">${title}<div style="${grid}">${cells.join('')}</div></div>`;
}

export interface AugmentationViewOptions extends ImageRenderOptions {
  /** Which images to show (default: the first 8). */
  indices?: number[];
  title?: string;
}

/**
 * Originals above their augmented copies, column by column. `augmented` holds one augmented
 * image per original, in the same order (e.g. augmentImages' output for the same batch).
 */
export function augmentationComparisonHtml(originals: ImageSource, augmented: ImageSource, options: AugmentationViewOptions = {}): string {
  const a = resolveImages(originals, options);
  const b = resolveImages(augmented, { ...options, size: options.size ?? [a.height, a.width] });
  if (a.count !== b.count) throw new Error(`viz: ${a.count} originals but ${b.count} augmented images; pass one augmented image per original`);
  const indices = options.indices ?? Array.from({ length: Math.min(8, a.count) }, (_, i) => i);
  indices.forEach((i) => checkIndex(a, i));
  const scale = checkScale(options.scale ?? 2);
  const cell = (set: ResolvedImages, i: number, what: string) =>
    `<td style="padding:3px">${pngImgTag(digitPng(set.pixels, i, { scale, size: [set.height, set.width], invert: options.invert }), `${what} ${i}`)}</td>`;
  const head = `<th style="${styleAttr({ 'text-align': 'right', 'padding-right': '8px', 'font-weight': 600, 'font-size': '12px', color: VIZ_CSS.text })}">`;
  const rows = [
    `<tr>${head}original</th>${indices.map((i) => cell(a, i, 'original')).join('')}</tr>`,
    `<tr>${head}augmented</th>${indices.map((i) => cell(b, i, 'augmented')).join('')}</tr>`,
  ];
  const title = options.title ? `<caption style="${styleAttr({ 'text-align': 'left', 'font-weight': 600, 'padding-bottom': '4px', color: VIZ_CSS.text })}">${escapeHtml(options.title)}</caption>` : '';
  // The rows carry the page colour: a host's table stripes are for data tables, not pictures.
  const rowStyle = styleAttr({ background: VIZ_CSS.background });
  return `<div class="digit-lab-augmentation"><table style="${styleAttr({ 'border-collapse': 'collapse', 'font-family': VIZ_FONT, color: VIZ_CSS.text })}">${title}${rows.join('').replace(/<tr>/g, `<tr style="${rowStyle}">`)}</table></div>`;
}

/** A misclassified example as evaluation reports it. `true` and `trueLabel` are synonyms. */
export interface MistakeExample {
  index: number;
  true?: number;
  trueLabel?: number;
  predicted: number;
  /** Probability of the predicted class, 0..1. */
  confidence: number;
}

export interface MistakesGalleryOptions extends ImageRenderOptions {
  /** At most this many, most confident mistakes first (default 24). */
  limit?: number;
  cols?: number;
  title?: string;
  classNames?: string[];
}

/** A gallery of mistakes captioned "true 7 → 2 (93.1%)", the most confident mistakes first. */
export function mistakesGalleryHtml(images: ImageSource, mistakes: MistakeExample[], options: MistakesGalleryOptions = {}): string {
  const name = (c: number) => options.classNames?.[c] ?? String(c);
  const sorted = [...mistakes].sort((p, q) => q.confidence - p.confidence).slice(0, options.limit ?? 24);
  const captions = sorted.map((m) => {
    const truth = m.true ?? m.trueLabel;
    if (truth === undefined) throw new Error(`viz: mistake for image ${m.index} has no true label (field "true" or "trueLabel")`);
    return `true ${name(truth)} → ${name(m.predicted)} (${(m.confidence * 100).toFixed(1)}%)`;
  });
  if (sorted.length === 0) {
    return `<div class="digit-lab-images" style="${styleAttr({ 'font-family': VIZ_FONT, color: VIZ_CSS.text })}">${escapeHtml(options.title ?? 'Mistakes')}: none.</div>`;
  }
  return imageGridHtml(images, sorted.map((m) => m.index), {
    ...options,
    cols: options.cols ?? 8,
    captions,
    captionColors: sorted.map(() => VIZ_CSS.highlightText),
    title: options.title ?? `Mistakes (${sorted.length} of ${mistakes.length}, most confident first)`,
  });
}
