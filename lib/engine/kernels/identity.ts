/**
 * `Identity` for the wasm backend, sharing the data instead of copying it. The engine clones every
 * tensor a gradient needs (saveTensorsForBackwardMode) through Identity; the stock wasm kernel
 * copies each one (~7 ms per seed-CNN step at batch 128). Kernels never write their inputs, so a
 * reference-counted share is enough; the cpu backend and the wasm Reshape kernel do the same.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelBackend, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';

export const identityWasm: KernelFunc = ({ inputs, backend }) => {
  const { x } = inputs as { x: TensorInfo };
  (backend as KernelBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
};

export const identityConfig: KernelConfig = { kernelName: tf.Identity, backendName: 'wasm', kernelFunc: identityWasm };
