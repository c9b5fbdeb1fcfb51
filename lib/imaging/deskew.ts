/**
 * Deskewing: a handwritten digit sheared upright about its centre of mass, by the slant its second
 * moments measure. Writers slant their digits by different amounts; a network fed upright digits
 * spends none of its capacity on slant, and its mistakes differ from those of one fed the
 * pictures as written, so the two mix well in an ensemble (see the README's table).
 *
 * This is the plain reference the model's deskew layer (lib/model/deskew-layer.ts) is tested
 * against; both follow the same rules:
 * - centre of mass (row, column) and the ink-weighted variance of the row and row-column covariance;
 * - slant = covariance / row variance, clamped to [-1, 1] (45 degrees), 0 where the row variance is
 *   below SLANT_MIN_VARIANCE (a blank picture, a dot, one horizontal stroke);
 * - output pixel (y, x) = input row y sampled at column x + slant * (y - centre row), linearly
 *   interpolated, 0 outside the picture. Rows keep their place: only the slant changes.
 * Pure (no TensorFlow.js), so the browser's pad could use it too.
 */

/** Row variance (in pixels squared) below which a picture is left unsheared. */
export const SLANT_MIN_VARIANCE = 1e-3;
/** The largest slant corrected, as a shear (1 = 45 degrees). */
export const MAX_SLANT = 1;

/** The slant measured on a picture and the row it is sheared about. */
export interface Slant {
  /** Columns moved per row: the shear that makes the digit upright. */
  slant: number;
  /** The centre-of-mass row the shear is taken about. */
  centreRow: number;
}

function checkPicture(pixels: ArrayLike<number>, width: number, height: number, what: string): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`${what}: width and height must be positive whole numbers, got ${width}x${height}`);
  }
  if (pixels.length !== width * height) throw new Error(`${what}: ${pixels.length} values is not a ${width}x${height} picture`);
}

/** The slant of a `width` x `height` picture (row-major, background 0, ink positive). */
export function measureSlant(pixels: ArrayLike<number>, width: number, height: number): Slant {
  checkPicture(pixels, width, height, 'measureSlant');
  let total = 0, rows = 0, cols = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = pixels[y * width + x];
      total += v; rows += v * y; cols += v * x;
    }
  }
  if (!(total > 0)) return { slant: 0, centreRow: (height - 1) / 2 };
  const centreRow = rows / total;
  const centreCol = cols / total;
  let rowVar = 0, cov = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = pixels[y * width + x];
      rowVar += v * (y - centreRow) ** 2;
      cov += v * (y - centreRow) * (x - centreCol);
    }
  }
  rowVar /= total; cov /= total;
  const slant = rowVar > SLANT_MIN_VARIANCE ? Math.max(-MAX_SLANT, Math.min(MAX_SLANT, cov / rowVar)) : 0;
  return { slant, centreRow };
}

/** `pixels` deskewed (see the module's rules): a new picture of the same size. */
export function deskewPicture(pixels: ArrayLike<number>, width: number, height: number): Float32Array {
  const { slant, centreRow } = measureSlant(pixels, width, height);
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const shift = slant * (y - centreRow);
    for (let x = 0; x < width; x++) {
      const at = x + shift;
      const left = Math.floor(at);
      const t = at - left;
      const read = (col: number) => (col >= 0 && col < width ? pixels[y * width + col] : 0);
      out[y * width + x] = (1 - t) * read(left) + t * read(left + 1);
    }
  }
  return out;
}
