/**
 * `Sum` and `Mean` for the wasm backend when the reduced axes are the leading ones (a bias
 * gradient: dy summed over batch and pixels; batch-norm statistics). The stock kernels first
 * transpose the reduced axes to the end, which costs more than the sum itself; a matrix product
 * with a row of ones is no better in training, since XNNPACK repacks its right operand (dy, new
 * every step) on each call. One pass over the heap in row blocks (shared by the JS thread pool),
 * with float64 accumulators like the cpu backend, is cheapest. Other reductions go to the stock kernels.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, SumAttrs, TensorInfo } from '@tensorflow/tfjs';
import { defineRangeTask, jsPoolThreads, runRangeTask } from '../threads/js-pool';
import { heapF32, heapOf, WasmBackendHandle, WasmKernelScope } from './wasm-scope';

/** How many leading axes `axis` reduces, or -1 when it is not a leading prefix. */
export function leadingReduction(axis: number | number[], rank: number): number {
  const axes = [...new Set(tf.util.parseAxisParam(axis, new Array(rank).fill(1)))].sort((a, b) => a - b);
  return axes.every((a, i) => a === i) ? axes.length : -1;
}

/** Range task: for row blocks [b0, b1) of x, partials[block][c] = sum of x[r][c] over the block's rows. */
export function sumRowsTask(
  heap: ArrayBufferLike, a: { x: number; partials: number; rows: number; cols: number; blocks: number }, b0: number, b1: number,
): void {
  const cols = a.cols;
  if (cols === 0) return;
  const acc = new Float64Array(cols);
  for (let blk = b0; blk < b1; blk++) {
    const r0 = Math.round((a.rows * blk) / a.blocks);
    const r1 = Math.round((a.rows * (blk + 1)) / a.blocks);
    const x = new Float32Array(heap, a.x + 4 * r0 * cols, (r1 - r0) * cols);
    acc.fill(0);
    // Four rows per pass: a quarter of the accumulator traffic (the sums are doubles either way).
    let o = 0;
    for (; o + 4 * cols <= x.length; o += 4 * cols) {
      for (let c = 0; c < cols; c++) acc[c] += (x[o + c] + x[o + cols + c]) + (x[o + 2 * cols + c] + x[o + 3 * cols + c]);
    }
    for (; o < x.length; o += cols) {
      for (let c = 0; c < cols; c++) acc[c] += x[o + c];
    }
    new Float32Array(heap, a.partials + 4 * blk * cols, cols).set(acc);
  }
}
defineRangeTask('sumRows', sumRowsTask);

/** Sum (or mean, with `divide`) over leading axes; other cases go to the stock kernel `name`. */
function leadingReduce(name: 'Sum' | 'Mean', divide: boolean): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { x } = inputs as { x: TensorInfo };
    const { axis, keepDims } = attrs as unknown as SumAttrs;
    const wasm = backend as WasmBackendHandle;
    const k = leadingReduction(axis, x.shape.length);
    if (x.dtype !== 'float32' || k <= 0) {
      const scope = new WasmKernelScope(wasm);
      return scope.finish(scope.run(name, { x }, { axis, keepDims }));
    }
    const kept = x.shape.slice(k);
    const out = wasm.makeOutput(keepDims ? [...new Array(k).fill(1), ...kept] : kept, 'float32');
    const cols = tf.util.sizeFromShape(kept);
    const rows = tf.util.sizeFromShape(x.shape) / Math.max(cols, 1);
    // Row blocks of at least 256 rows, a few per thread; their partial sums are added here.
    const blocks = Math.max(1, Math.min(4 * jsPoolThreads(), Math.floor(rows / 256)));
    const partials = wasm.makeOutput([blocks, cols], 'float32');
    const p = heapF32(wasm, partials);
    runRangeTask('sumRows', blocks, { x: heapF32(wasm, x).byteOffset, partials: p.byteOffset, rows, cols, blocks }, heapOf(wasm));
    const sum = heapF32(wasm, out);
    sum.set(p.subarray(0, cols));
    for (let k = 1; k < blocks; k++) for (let c = 0; c < cols; c++) sum[c] += p[k * cols + c];
    if (divide && rows > 0) for (let c = 0; c < cols; c++) sum[c] /= rows;
    wasm.disposeData(partials.dataId);
    return out;
  };
}

export const sumWasm = leadingReduce('Sum', false);
export const meanWasm = leadingReduce('Mean', true);

export const sumConfig: KernelConfig = { kernelName: tf.Sum, backendName: 'wasm', kernelFunc: sumWasm };
export const meanConfig: KernelConfig = { kernelName: tf.Mean, backendName: 'wasm', kernelFunc: meanWasm };
