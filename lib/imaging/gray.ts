/**
 * Grayscale images as plain typed arrays, and the conversions into them. Pure and
 * dependency-free (no Node APIs, no tfjs) so the browser drawing pad can share it.
 */

/** A grayscale image: `gray[y * width + x]` in 0..255, row-major. */
export interface DigitImage {
  width: number;
  height: number;
  gray: Uint8Array;
}

/** Throws unless `img` is a well-formed DigitImage. */
export function assertDigitImage(img: DigitImage): void {
  const { width, height, gray } = img;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`invalid image size ${width}x${height}`);
  }
  if (!(gray instanceof Uint8Array) || gray.length !== width * height) {
    throw new Error(`invalid image: expected ${width * height} gray values for ${width}x${height}, got ${gray?.length}`);
  }
}

/**
 * RGBA bytes (as from a PNG/JPEG decoder or a canvas' ImageData) -> gray with ITU-R 601 luma.
 * Transparent pixels are composited over white, so dark strokes on a transparent canvas read as
 * dark ink on white paper.
 */
export function rgbaToDigitImage(rgba: ArrayLike<number>, width: number, height: number): DigitImage {
  const n = width * height;
  if (rgba.length !== n * 4) {
    throw new Error(`invalid RGBA data: expected ${n * 4} bytes for ${width}x${height}, got ${rgba.length}`);
  }
  const gray = new Uint8Array(n);
  for (let i = 0, j = 0; i < n; i++, j += 4) {
    const luma = 0.299 * rgba[j] + 0.587 * rgba[j + 1] + 0.114 * rgba[j + 2];
    const alpha = rgba[j + 3] / 255;
    gray[i] = Math.round(luma * alpha + 255 * (1 - alpha));
  }
  return { width, height, gray };
}

/**
 * Shrinks by an integer `factor` with a box filter (each output pixel is the mean of a
 * factor x factor block; partial blocks at the right/bottom edges average what they have).
 */
export function shrinkDigitImage(img: DigitImage, factor: number): DigitImage {
  if (factor <= 1) return img;
  const width = Math.ceil(img.width / factor);
  const height = Math.ceil(img.height / factor);
  const sums = new Float64Array(width * height);
  const counts = new Uint32Array(width * height);
  for (let y = 0; y < img.height; y++) {
    const row = Math.floor(y / factor) * width;
    for (let x = 0; x < img.width; x++) {
      const k = row + Math.floor(x / factor);
      sums[k] += img.gray[y * img.width + x];
      counts[k]++;
    }
  }
  const gray = new Uint8Array(width * height);
  for (let k = 0; k < gray.length; k++) gray[k] = Math.round(sums[k] / counts[k]);
  return { width, height, gray };
}
