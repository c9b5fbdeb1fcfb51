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
import { jsPoolThreads, runRangeTask } from '../threads/js-pool';
import { kernelTasks } from './range-tasks';
import { heapF32, heapOf, WasmBackendHandle, WasmKernelScope } from './wasm-scope';

/** How many leading axes `axis` reduces, or -1 when it is not a leading prefix. */
export function leadingReduction(axis: number | number[], rank: number): number {
  const axes = [...new Set(tf.util.parseAxisParam(axis, new Array(rank).fill(1)))].sort((a, b) => a - b);
  return axes.every((a, i) => a === i) ? axes.length : -1;
}

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
    runRangeTask(kernelTasks, 'sumRows', blocks, { x: heapF32(wasm, x).byteOffset, partials: p.byteOffset, rows, cols, blocks }, heapOf(wasm));
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
