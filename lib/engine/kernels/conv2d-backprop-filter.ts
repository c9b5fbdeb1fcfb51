/**
 * `Conv2DBackpropFilter` for the wasm backend (tfjs-backend-wasm 4.22 has none, so no conv net can
 * train there). The filter gradient is a matrix product over all output pixels p = (n, oh, ow):
 *   dW[(kh,kw,ci), co] = sum over p of patches[p, (kh,kw,ci)] * dy[p, co].
 * The product runs on the wasm BatchMatMul (XNNPACK), which repacks its right operand on every
 * call: that costs about as much per element as the arithmetic does per row of the left operand,
 * so the larger of (kh*kw*Cin, Cout) must be the left operand's row count:
 *  - many patch rows (e.g. 2x2x64 = 256 vs 128 filters): patchesᵀ [rows, P] · dy [P, Cout], the
 *    transposed patches filled in JS from a channel-major copy of x (contiguous input rows), in
 *    blocks of whole images only when the matrix would be huge (the block products are summed);
 *  - few patch rows (e.g. 3x3x1 = 9 vs 64 filters): dyᵀ [Cout, P] · patches [P, rows], dy
 *    transposed in JS (cache-blocked), the result transposed back (it is tiny).
 */
import * as tf from '@tensorflow/tfjs';
import type { Conv2DBackpropFilterAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { defineRangeTask, runRangeTask } from '../threads/js-pool';
import { heapF32, heapOf, WasmBackendHandle, WasmKernelScope } from './wasm-scope';

/**
 * Writes the transposed patch matrix: row (kh, kw, ci), column (n, oh, ow), from x laid out
 * channel-major ([Cin, N, H, W]) so every output row is filled from contiguous input rows.
 * Out-of-bounds (padding) cells are written as zeros.
 */
export function fillTransposedPatches(
  dst: Float32Array, xt: Float32Array, info: tf.backend_util.Conv2DInfo, r0: number, r1: number, n0 = 0, n1 = info.batchSize,
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
export function fillPatches(dst: Float32Array, x: Float32Array, info: tf.backend_util.Conv2DInfo, n0: number, n1: number): void {
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

type Offsets = { dst: number; src: number; info: tf.backend_util.Conv2DInfo };

/** Range task: rows [r0, r1) of the transposed patch matrix of images [a.n0, a.n1). */
export function transposedPatchesTask(heap: ArrayBufferLike, a: Offsets & { n0: number; n1: number }, r0: number, r1: number): void {
  const { batchSize, inChannels, inHeight, inWidth, outHeight, outWidth } = a.info;
  const cols = (a.n1 - a.n0) * outHeight * outWidth;
  const dst = new Float32Array(heap, a.dst + 4 * r0 * cols, (r1 - r0) * cols);
  const xt = new Float32Array(heap, a.src, inChannels * batchSize * inHeight * inWidth);
  fillTransposedPatches(dst, xt, a.info, r0, r1, a.n0, a.n1);
}

/** Range task: the patch rows of images [n0, n1). */
export function patchesTask(heap: ArrayBufferLike, a: Offsets, n0: number, n1: number): void {
  const { batchSize, inChannels, inHeight, inWidth, outHeight, outWidth, filterHeight, filterWidth } = a.info;
  const perImage = outHeight * outWidth * filterHeight * filterWidth * inChannels;
  const dst = new Float32Array(heap, a.dst + 4 * n0 * perImage, (n1 - n0) * perImage);
  fillPatches(dst, new Float32Array(heap, a.src, batchSize * inHeight * inWidth * inChannels), a.info, n0, n1);
}

/** Range task: source rows [r0, r1) of a rows x cols transpose. */
export function transposeTask(heap: ArrayBufferLike, a: { dst: number; src: number; rows: number; cols: number }, r0: number, r1: number): void {
  const size = a.rows * a.cols;
  transposeInto(new Float32Array(heap, a.dst, size), new Float32Array(heap, a.src, size), a.rows, a.cols, r0, r1);
}

defineRangeTask('transposedPatches', transposedPatchesTask, [fillTransposedPatches]);
defineRangeTask('patches', patchesTask, [fillPatches]);
defineRangeTask('transpose', transposeTask, [transposeInto]);

/**
 * Floats per block of transposed patches (128 MB). Measured here, small blocks were slower (each
 * block's product repacks its slice of dy and the per-call overhead adds up: 3x slower at 4 MB),
 * so blocks only bound memory for very large batches; the seed and strong CNNs at batch 128 use one.
 */
let patchChunkFloats = 1 << 25;

/** Sets the patch block size (tests use a small one to exercise the chunked path). */
export function setPatchChunkFloats(floats: number): number {
  const old = patchChunkFloats;
  patchChunkFloats = Math.max(1, Math.floor(floats));
  return old;
}

/** dW on the wasm backend, with the product oriented as described at the top of this file. */
export const conv2DBackpropFilterWasm: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as Conv2DBackpropFilterAttrs;
  if (dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter (wasm): only NHWC is supported');
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
  const wasm = backend as WasmBackendHandle;
  const scope = new WasmKernelScope(wasm);
  const rows = info.filterHeight * info.filterWidth * info.inChannels;
  const pixels = info.batchSize * info.outHeight * info.outWidth;
  const CO = info.outChannels;
  // Byte offsets are read after the outputs exist: allocating may grow (replace) the heap buffer.
  const at = (t: TensorInfo) => heapF32(wasm, t).byteOffset;
  const matmul = (a: TensorInfo, b: TensorInfo) => scope.run('BatchMatMul', { a, b }, { transposeA: false, transposeB: false });
  if (rows >= CO) {
    // Blocks of whole images bound the patch matrix's size (see patchChunkFloats).
    const perImage = info.outHeight * info.outWidth;
    const images = Math.max(1, Math.min(info.batchSize, Math.floor(patchChunkFloats / (rows * perImage))));
    const xt = scope.run('Transpose', { x }, { perm: [3, 0, 1, 2] }); // [Cin, N, H, W]
    const dy2 = scope.reshape(dy, [pixels, CO]);
    const out = wasm.makeOutput(filterShape, 'float32');
    const mark = scope.mark();
    for (let n0 = 0; n0 < info.batchSize; n0 += images) {
      const n1 = Math.min(info.batchSize, n0 + images);
      const cols = (n1 - n0) * perImage;
      const patchesT = scope.output([1, rows, cols]);
      runRangeTask('transposedPatches', rows, { dst: at(patchesT), src: at(xt), info, n0, n1 }, heapOf(wasm));
      const dyPart = cols === pixels ? dy2 : scope.run('Slice', { x: dy2 }, { begin: [n0 * perImage, 0], size: [cols, CO] });
      const part = heapF32(wasm, matmul(patchesT, scope.reshape(dyPart, [1, cols, CO])));
      const acc = heapF32(wasm, out);
      if (n0 === 0) acc.set(part);
      else for (let i = 0; i < acc.length; i++) acc[i] += part[i];
      scope.releaseFrom(mark);
    }
    return scope.finish(out);
  }
  const dyT = scope.output([1, CO, pixels]);
  const patches = scope.output([1, pixels, rows]);
  runRangeTask('transpose', pixels, { dst: at(dyT), src: at(dy), rows: pixels, cols: CO }, heapOf(wasm), 4096);
  runRangeTask('patches', info.batchSize, { dst: at(patches), src: at(x), info }, heapOf(wasm));
  const prodT = matmul(dyT, patches); // [1, Cout, rows]
  const out = wasm.makeOutput(filterShape, 'float32');
  transposeInto(heapF32(wasm, out), heapF32(wasm, prodT), CO, rows);
  return scope.finish(out);
};

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilterWasm,
};
