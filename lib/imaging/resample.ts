/**
 * Area-averaging resampling onto a small canvas: each output pixel is the mean of the source
 * area it covers (exact fractional coverage), which anti-aliases when shrinking and keeps the
 * ink's mass and centre where they belong. Pure, dependency-free.
 */

/** A rectangle in pixel units. */
export interface DigitBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

interface Coverage {
  first: number;
  weights: Float64Array;
}

/**
 * For each of `outLen` output cells: the source pixels in [0, srcLen) it covers and their
 * weights, where source coordinate u lands at output coordinate offset + u * scale.
 */
function coverage(srcLen: number, scale: number, offset: number, outLen: number): Array<Coverage | null> {
  const cells: Array<Coverage | null> = [];
  for (let j = 0; j < outLen; j++) {
    const a = Math.max(0, (j - offset) / scale);
    const b = Math.min(srcLen, (j + 1 - offset) / scale);
    if (!(b > a)) {
      cells.push(null);
      continue;
    }
    const first = Math.floor(a);
    const last = Math.ceil(b) - 1;
    const weights = new Float64Array(last - first + 1);
    for (let i = first; i <= last; i++) {
      weights[i - first] = (Math.min(b, i + 1) - Math.max(a, i)) * scale;
    }
    cells.push({ first, weights });
  }
  return cells;
}

/**
 * Resamples the `box` of `src` (width `srcWidth`) into a new outSize x outSize canvas: box
 * point (u, v) lands at (offsetX + u * scale, offsetY + v * scale). Cells outside the box are 0.
 */
export function areaResampleBox(
  src: Float32Array,
  srcWidth: number,
  box: DigitBox,
  scale: number,
  offsetX: number,
  offsetY: number,
  outSize: number,
): Float32Array {
  const cols = coverage(box.width, scale, offsetX, outSize);
  const rows = coverage(box.height, scale, offsetY, outSize);
  // Horizontal pass over the box's rows, then vertical.
  const tmp = new Float64Array(box.height * outSize);
  for (let v = 0; v < box.height; v++) {
    const rowStart = (box.y + v) * srcWidth + box.x;
    for (let j = 0; j < outSize; j++) {
      const c = cols[j];
      if (!c) continue;
      let acc = 0;
      for (let k = 0; k < c.weights.length; k++) acc += c.weights[k] * src[rowStart + c.first + k];
      tmp[v * outSize + j] = acc;
    }
  }
  const out = new Float32Array(outSize * outSize);
  for (let i = 0; i < outSize; i++) {
    const r = rows[i];
    if (!r) continue;
    for (let j = 0; j < outSize; j++) {
      let acc = 0;
      for (let k = 0; k < r.weights.length; k++) acc += r.weights[k] * tmp[(r.first + k) * outSize + j];
      out[i * outSize + j] = acc;
    }
  }
  return out;
}
