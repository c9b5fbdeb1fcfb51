/**
 * One-pixel shifts of a prepared digit: the views test-time augmentation averages over (the
 * shift-averaging model wrapper and the reader use the same ones). Pure.
 */

/** The shifts averaged, as [right, down] in pixels: the picture itself, then one pixel each way. */
export const SHIFTS: readonly (readonly [number, number])[] = Object.freeze([[0, 0], [1, 0], [-1, 0], [0, 1], [0, -1]]);

/** `pixels` (a size x size picture, background 0) moved `right` and `down` pixels; vacated pixels are 0. */
export function shiftedPicture(pixels: Float32Array, size: number, right: number, down: number): Float32Array {
  if (pixels.length !== size * size) throw new Error(`shiftedPicture: ${pixels.length} values is not a ${size}x${size} picture`);
  const out = new Float32Array(size * size);
  for (let y = Math.max(0, down); y < Math.min(size, size + down); y++) {
    const from = (y - down) * size;
    for (let x = Math.max(0, right); x < Math.min(size, size + right); x++) out[y * size + x] = pixels[from + x - right];
  }
  return out;
}
