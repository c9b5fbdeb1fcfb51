/**
 * The gradient of max pooling as plain typed-array code (NHWC), and the range task that runs it
 * on whole images of the wasm heap, on any thread of the JS pool (see ../max-pool-grad.ts).
 */
import type { backend_util } from '@tensorflow/tfjs';

type Conv2DInfo = backend_util.Conv2DInfo;

/** Arguments of maxPoolGradTask: byte offsets on the heap, and the pooling's geometry. */
export interface MaxPoolGradArgs {
  dx: number;
  x: number;
  dy: number;
  info: Conv2DInfo;
}

/** The gradient of max pooling over a batch of NHWC images. */
export function maxPoolGradInto(
  dx: Float32Array, x: Float32Array, dy: Float32Array, info: Conv2DInfo,
): void {
  const { batchSize, inHeight, inWidth, inChannels: C, outHeight, outWidth, strideHeight, strideWidth } = info;
  const { effectiveFilterHeight: fh, effectiveFilterWidth: fw, dilationHeight: dh, dilationWidth: dw } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  dx.fill(0);
  const cells = new Int32Array(fh * fw);
  for (let b = 0; b < batchSize; b++) {
    const xBase = b * inHeight * inWidth * C;
    for (let yr = 0; yr < outHeight; yr++) {
      const r0 = yr * strideHeight - padTop;
      let rMin = r0;
      while (rMin < 0) rMin += dh;
      const rMax = Math.min(inHeight, r0 + fh);
      for (let yc = 0; yc < outWidth; yc++) {
        const c0 = yc * strideWidth - padLeft;
        let cMin = c0;
        while (cMin < 0) cMin += dw;
        const cMax = Math.min(inWidth, c0 + fw);
        // Offsets of the window's in-bounds cells, in row-major order (the tie-break order).
        let count = 0;
        for (let r = rMin; r < rMax; r += dh) {
          for (let c = cMin; c < cMax; c += dw) cells[count++] = xBase + (r * inWidth + c) * C;
        }
        const dyBase = ((b * outHeight + yr) * outWidth + yc) * C;
        if (count === 4) {
          routeWindowOf4(dx, x, dy, cells[0], cells[1], cells[2], cells[3], dyBase, C);
          continue;
        }
        for (let d = 0; d < C; d++) {
          let best = -Infinity;
          let at = -1;
          for (let k = 0; k < count; k++) {
            const i = cells[k] + d;
            const v = x[i];
            if (v > best) {
              best = v;
              at = i;
            }
          }
          if (at >= 0) dx[at] += dy[dyBase + d];
        }
      }
    }
  }
}

/** The 2x2 window (the common case), unrolled: same first-strict-maximum rule as the loop. */
function routeWindowOf4(
  dx: Float32Array, x: Float32Array, dy: Float32Array, c0: number, c1: number, c2: number, c3: number, dyBase: number, C: number,
): void {
  for (let d = 0; d < C; d++) {
    let best = -Infinity;
    let at = -1;
    let v = x[c0 + d];
    if (v > best) { best = v; at = c0 + d; }
    v = x[c1 + d];
    if (v > best) { best = v; at = c1 + d; }
    v = x[c2 + d];
    if (v > best) { best = v; at = c2 + d; }
    v = x[c3 + d];
    if (v > best) { at = c3 + d; }
    if (at >= 0) dx[at] += dy[dyBase + d];
  }
}

/** Range task: images [b0, b1) of one MaxPoolGrad (each image's dx depends on that image only). */
export function maxPoolGradTask(heap: ArrayBufferLike, a: MaxPoolGradArgs, b0: number, b1: number): void {
  const inImage = a.info.inHeight * a.info.inWidth * a.info.inChannels;
  const outImage = a.info.outHeight * a.info.outWidth * a.info.inChannels;
  const n = b1 - b0;
  const dx = new Float32Array(heap, a.dx + 4 * b0 * inImage, n * inImage);
  const x = new Float32Array(heap, a.x + 4 * b0 * inImage, n * inImage);
  const dy = new Float32Array(heap, a.dy + 4 * b0 * outImage, n * outImage);
  maxPoolGradInto(dx, x, dy, { ...a.info, batchSize: n });
}
