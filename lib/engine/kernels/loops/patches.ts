/**
 * The typed-array loops of our `Conv2DBackpropFilter` (../conv2d-backprop-filter.ts): patch
 * matrices of x (plain and transposed) and a blocked transpose, and the range tasks that run them
 * on the wasm heap, on any thread of the JS pool.
 */
import type { backend_util } from '@tensorflow/tfjs';

type Conv2DInfo = backend_util.Conv2DInfo;

/**
 * Writes the transposed patch matrix: row (kh, kw, ci), column (n, oh, ow), from x laid out
 * channel-major ([Cin, N, H, W]) so every output row is filled from contiguous input rows.
 * Out-of-bounds (padding) cells are written as zeros.
 */
export function fillTransposedPatches(
  dst: Float32Array, xt: Float32Array, info: Conv2DInfo, r0: number, r1: number, n0 = 0, n1 = info.batchSize,
): void {
  const { batchSize: N, inChannels: C, inHeight: H, inWidth: W, outHeight: OH, outWidth: OW } = info;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const KW = info.filterWidth;
  const pt = info.padInfo.top;
  const pl = info.padInfo.left;
  let o = 0;
  for (let rowIndex = r0; rowIndex < r1; rowIndex++) {
    const c = rowIndex % C;
    const tap = (rowIndex - c) / C;
    const j = tap % KW;
    const i = (tap - j) / KW;
    const colShift = j * dw - pl;
    // Output columns whose input column is in bounds: ow in [owLo, owHi).
    const owLo = Math.min(OW, Math.max(0, Math.ceil(-colShift / sw)));
    const owHi = Math.max(owLo, Math.min(OW, Math.floor((W - 1 - colShift) / sw) + 1));
    for (let n = n0; n < n1; n++) {
      const plane = (c * N + n) * H * W;
      for (let oh = 0; oh < OH; oh++) {
        const ih = oh * sh + i * dh - pt;
        if (ih < 0 || ih >= H) {
          dst.fill(0, o, o + OW);
          o += OW;
          continue;
        }
        const row = plane + ih * W + colShift;
        let ow = 0;
        for (; ow < owLo; ow++) dst[o++] = 0;
        if (sw === 1) {
          for (; ow < owHi; ow++) dst[o++] = xt[row + ow];
        } else {
          for (; ow < owHi; ow++) dst[o++] = xt[row + ow * sw];
        }
        for (; ow < OW; ow++) dst[o++] = 0;
      }
    }
  }
}

/**
 * Writes the patch matrix: row (n, oh, ow), column (kh, kw, ci), from NHWC x (each tap's Cin
 * values are contiguous). Out-of-bounds (padding) cells are written as zeros.
 */
export function fillPatches(dst: Float32Array, x: Float32Array, info: Conv2DInfo, n0: number, n1: number): void {
  const { inChannels: C, inHeight: H, inWidth: W, outHeight: OH, outWidth: OW } = info;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const { filterHeight: KH, filterWidth: KW } = info;
  const pt = info.padInfo.top;
  const pl = info.padInfo.left;
  let o = 0;
  for (let n = n0; n < n1; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        for (let i = 0; i < KH; i++) {
          const ih = oh * sh + i * dh - pt;
          for (let j = 0; j < KW; j++) {
            const iw = ow * sw + j * dw - pl;
            if (ih < 0 || ih >= H || iw < 0 || iw >= W) {
              dst.fill(0, o, o + C);
              o += C;
              continue;
            }
            const at = ((n * H + ih) * W + iw) * C;
            for (let c = 0; c < C; c++) dst[o++] = x[at + c];
          }
        }
      }
    }
  }
}

/** dst[c * rows + r] = src[r * cols + c] for source rows [from, to), in cache-sized blocks. */
export function transposeInto(dst: Float32Array, src: Float32Array, rows: number, cols: number, from = 0, to = rows): void {
  const block = 64;
  for (let r0 = from; r0 < to; r0 += block) {
    const r1 = Math.min(to, r0 + block);
    for (let c = 0; c < cols; c++) {
      const d = c * rows;
      for (let r = r0; r < r1; r++) dst[d + r] = src[r * cols + c];
    }
  }
}

/** Arguments of patchesTask: byte offsets of the patch matrix and of x, and the conv's geometry. */
export interface PatchesArgs {
  dst: number;
  src: number;
  info: Conv2DInfo;
}

/** Arguments of transposedPatchesTask: as PatchesArgs (x channel-major), for images [n0, n1). */
export interface TransposedPatchesArgs extends PatchesArgs {
  n0: number;
  n1: number;
}

/** Arguments of transposeTask: byte offsets of the two matrices, and the source's shape. */
export interface TransposeArgs {
  dst: number;
  src: number;
  rows: number;
  cols: number;
}

/** Range task: rows [r0, r1) of the transposed patch matrix of images [a.n0, a.n1). */
export function transposedPatchesTask(heap: ArrayBufferLike, a: TransposedPatchesArgs, r0: number, r1: number): void {
  const { batchSize, inChannels, inHeight, inWidth, outHeight, outWidth } = a.info;
  const cols = (a.n1 - a.n0) * outHeight * outWidth;
  const dst = new Float32Array(heap, a.dst + 4 * r0 * cols, (r1 - r0) * cols);
  const xt = new Float32Array(heap, a.src, inChannels * batchSize * inHeight * inWidth);
  fillTransposedPatches(dst, xt, a.info, r0, r1, a.n0, a.n1);
}

/** Range task: the patch rows of images [n0, n1). */
export function patchesTask(heap: ArrayBufferLike, a: PatchesArgs, n0: number, n1: number): void {
  const { batchSize, inChannels, inHeight, inWidth, outHeight, outWidth, filterHeight, filterWidth } = a.info;
  const perImage = outHeight * outWidth * filterHeight * filterWidth * inChannels;
  const dst = new Float32Array(heap, a.dst + 4 * n0 * perImage, (n1 - n0) * perImage);
  fillPatches(dst, new Float32Array(heap, a.src, batchSize * inHeight * inWidth * inChannels), a.info, n0, n1);
}

/** Range task: source rows [r0, r1) of a rows x cols transpose. */
export function transposeTask(heap: ArrayBufferLike, a: TransposeArgs, r0: number, r1: number): void {
  const size = a.rows * a.cols;
  transposeInto(new Float32Array(heap, a.dst, size), new Float32Array(heap, a.src, size), a.rows, a.cols, r0, r1);
}
