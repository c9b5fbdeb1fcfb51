/**
 * Strokes -> the picture the pad's canvas holds: polylines drawn with a round pen of the pad's
 * width, black on white, anti-aliased by pixel-centre distance. Lets Node reproduce a drawing
 * (tests, `digit-lab predict` on the same strokes) without a browser.
 */
import { PNG } from 'pngjs';
import type { DigitImage } from '../../../lib/imaging/gray';
import { PAD_CANVAS_SIZE, PAD_INK_GRAY, PAD_PAPER_GRAY, PAD_PEN_WIDTH } from '../../../lib/drawpad/browser/constants';

/** A stroke: the pen's path as [x, y] points in canvas pixels (one point draws a dot). */
export type PadStroke = ReadonlyArray<readonly [number, number]>;

/** Options of `rasterisePadStrokes`. */
export interface RasteriseOptions {
  /** Canvas side in pixels (default PAD_CANVAS_SIZE). */
  size?: number;
  /** Canvas width and height where it is not square (default `size`). */
  width?: number;
  height?: number;
  /** Pen diameter in pixels (default PAD_PEN_WIDTH). */
  penWidth?: number;
}

function checkStrokes(strokes: readonly PadStroke[]): void {
  if (!Array.isArray(strokes)) throw new Error('strokes must be an array of strokes ([x, y] point lists)');
  strokes.forEach((stroke, s) => {
    if (!Array.isArray(stroke) || stroke.length === 0) throw new Error(`stroke ${s} has no points`);
    stroke.forEach((p, i) => {
      if (!Array.isArray(p) || p.length !== 2 || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) {
        throw new Error(`stroke ${s}, point ${i}: expected [x, y] finite numbers, got ${JSON.stringify(p)}`);
      }
    });
  });
}

/** Distance from (px, py) to the segment a-b. */
function segmentDistance(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** Draws `strokes` on a blank canvas-sized gray image, as the pad would. */
export function rasterisePadStrokes(strokes: readonly PadStroke[], options: RasteriseOptions = {}): DigitImage {
  checkStrokes(strokes);
  const size = options.size ?? PAD_CANVAS_SIZE;
  const width = options.width ?? size;
  const height = options.height ?? size;
  const radius = (options.penWidth ?? PAD_PEN_WIDTH) / 2;
  for (const side of [width, height]) if (!Number.isInteger(side) || side < 1) throw new Error(`invalid canvas size ${side}`);
  if (!(radius > 0)) throw new Error(`invalid pen width ${options.penWidth}`);
  // Coverage of the union of round-capped segments: 1 inside, a one-pixel ramp across the edge.
  const coverage = new Float32Array(width * height);
  for (const stroke of strokes) {
    for (let i = 0; i < stroke.length; i++) {
      const [ax, ay] = stroke[Math.max(0, i - 1)];
      const [bx, by] = stroke[i];
      const x0 = Math.max(0, Math.floor(Math.min(ax, bx) - radius - 1));
      const x1 = Math.min(width - 1, Math.ceil(Math.max(ax, bx) + radius + 1));
      const y0 = Math.max(0, Math.floor(Math.min(ay, by) - radius - 1));
      const y1 = Math.min(height - 1, Math.ceil(Math.max(ay, by) + radius + 1));
      for (let y = y0; y <= y1; y++) {
        for (let x = x0; x <= x1; x++) {
          const c = radius + 0.5 - segmentDistance(x + 0.5, y + 0.5, ax, ay, bx, by);
          if (c > coverage[y * width + x]) coverage[y * width + x] = Math.min(1, c);
        }
      }
    }
  }
  const gray = new Uint8Array(width * height);
  for (let i = 0; i < gray.length; i++) gray[i] = Math.round(PAD_PAPER_GRAY + (PAD_INK_GRAY - PAD_PAPER_GRAY) * coverage[i]);
  return { width, height, gray };
}

/** Encodes a gray image as an 8-bit grayscale PNG (e.g. a rasterised drawing for `digit-lab predict`). */
export function digitImageToPng(img: DigitImage): Buffer {
  const png = new PNG({ width: img.width, height: img.height, colorType: 0, inputColorType: 0, bitDepth: 8, inputHasAlpha: false });
  png.data = Buffer.from(img.gray);
  return PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false });
}
