/**
 * `MaxPoolGrad` for the wasm backend. The stock kernel runs the generic per-input-pixel loop
 * (~125 ms for the seed CNN's first pool at batch 128). Here each output window finds its
 * arg-max for all channels at once (NHWC keeps channels contiguous) and routes dy there, in one
 * pass over the heap. Ties and NaN follow the cpu backend: the first strict maximum in row-major
 * window order gets the gradient; a window with no value above -Infinity routes nothing.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, MaxPoolGradAttrs, TensorInfo } from '@tensorflow/tfjs';
import { runRangeTask } from '../threads/js-pool';
import { kernelTasks } from './range-tasks';
import { heapF32, heapOf, WasmBackendHandle } from './wasm-scope';

export const maxPoolGradWasm: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const wasm = backend as WasmBackendHandle;
  const out = wasm.makeOutput(input.shape, 'float32');
  // The heap is read after makeOutput: allocating may grow (and so replace) the heap buffer.
  const at = (t: TensorInfo) => heapF32(wasm, t).byteOffset;
  runRangeTask(kernelTasks, 'maxPoolGrad', info.batchSize, { dx: at(out), x: at(input), dy: at(dy), info }, heapOf(wasm), 1);
  return out;
};

export const maxPoolGradConfig: KernelConfig = {
  kernelName: tf.MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGradWasm,
};
