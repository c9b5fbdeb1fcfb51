/**
 * Elastic distortion (Simard, Steinkraus and Platt, 2003): every picture is warped by its own
 * smooth random displacement field, which bends strokes the way different hands do, where an
 * affine transform only turns, shifts and scales the whole digit. The field is drawn at a few
 * control points and interpolated between them, so its smoothness costs nothing and one pass over
 * the pixels does the warp.
 */
import type { AugmentRandom } from './augment';

/** Control points per side of the field: 5 x 5 over a 28 x 28 digit, one every 6.75 pixels. */
export const ELASTIC_GRID = 5;

/**
 * Warped copies of `n` pictures of `height` x `width` (row-major floats, one channel): each
 * control point of each picture moves by dx, dy drawn uniformly from [-range, range] pixels, the
 * displacement of every pixel is interpolated bilinearly between the control points, and the
 * picture is resampled bilinearly there, with the edge pixels repeated outside (Keras' 'nearest').
 */
export function elasticDistort(
  pixels: Float32Array,
  n: number,
  height: number,
  width: number,
  range: number,
  rng: AugmentRandom,
): Float32Array {
  const size = height * width;
  if (pixels.length !== n * size) {
    throw new Error(`elasticDistort: expected ${n} x ${height} x ${width} = ${n * size} values, got ${pixels.length}`);
  }
  const out = new Float32Array(pixels.length);
  const g = ELASTIC_GRID;
  const dx = new Float32Array(g * g);
  const dy = new Float32Array(g * g);
  const fieldX = new Float32Array(size);
  const fieldY = new Float32Array(size);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < g * g; k++) {
      dx[k] = (2 * rng() - 1) * range;
      dy[k] = (2 * rng() - 1) * range;
    }
    interpolateField(dx, fieldX, height, width);
    interpolateField(dy, fieldY, height, width);
    const src = pixels.subarray(i * size, (i + 1) * size);
    const dst = out.subarray(i * size, (i + 1) * size);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const p = y * width + x;
        dst[p] = sampleBilinear(src, height, width, x + fieldX[p], y + fieldY[p]);
      }
    }
  }
  return out;
}

/** Spreads the g x g control values over every pixel, bilinearly. */
function interpolateField(control: Float32Array, field: Float32Array, height: number, width: number): void {
  const g = ELASTIC_GRID;
  for (let y = 0; y < height; y++) {
    const gy = height > 1 ? (y * (g - 1)) / (height - 1) : 0;
    const y0 = Math.min(g - 2, Math.floor(gy));
    const fy = gy - y0;
    for (let x = 0; x < width; x++) {
      const gx = width > 1 ? (x * (g - 1)) / (width - 1) : 0;
      const x0 = Math.min(g - 2, Math.floor(gx));
      const fx = gx - x0;
      const a = control[y0 * g + x0];
      const b = control[y0 * g + x0 + 1];
      const c = control[(y0 + 1) * g + x0];
      const d = control[(y0 + 1) * g + x0 + 1];
      field[y * width + x] = (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy;
    }
  }
}

/** The picture at a real-valued point, edge pixels repeated beyond the border. */
function sampleBilinear(src: Float32Array, height: number, width: number, x: number, y: number): number {
  const cx = Math.min(width - 1, Math.max(0, x));
  const cy = Math.min(height - 1, Math.max(0, y));
  const x0 = Math.min(width - 2, Math.floor(cx));
  const y0 = Math.min(height - 2, Math.floor(cy));
  const fx = cx - x0;
  const fy = cy - y0;
  const row0 = y0 * width;
  const row1 = row0 + width;
  const top = src[row0 + x0] * (1 - fx) + src[row0 + x0 + 1] * fx;
  const bottom = src[row1 + x0] * (1 - fx) + src[row1 + x0 + 1] * fx;
  return top * (1 - fy) + bottom * fy;
}
