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
import { runRangeTask } from '../threads/js-pool';
import { transposeInto } from './loops/patches';
import { kernelTasks } from './range-tasks';
import { heapF32, heapOf, WasmBackendHandle, WasmKernelScope } from './wasm-scope';

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
      runRangeTask(kernelTasks, 'transposedPatches', rows, { dst: at(patchesT), src: at(xt), info, n0, n1 }, heapOf(wasm));
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
  runRangeTask(kernelTasks, 'transpose', pixels, { dst: at(dyT), src: at(dy), rows: pixels, cols: CO }, heapOf(wasm), 4096);
  runRangeTask(kernelTasks, 'patches', info.batchSize, { dst: at(patches), src: at(x), info }, heapOf(wasm));
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
