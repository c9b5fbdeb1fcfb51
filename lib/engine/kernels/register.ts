/** Installs our training kernels on the wasm backend, replacing the stock ones where they exist. */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig } from '@tensorflow/tfjs';
import { batchMatMulConfig } from './batch-mat-mul';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter';
import { conv2DBackpropInputConfig } from './conv2d-backprop-input';
import { maxPoolGradConfig } from './max-pool-grad';
import { meanConfig, sumConfig } from './sum';
import { tileConfig } from './tile';
import { identityConfig } from './identity';
import { conv2DPaddedConfig, fusedConv2DPaddedConfig } from './conv2d-padded';
import { transformConfig } from './transform';
import { captureStockKernel } from './wasm-scope';

/** Every kernel we register on 'wasm', in registration order. */
export const WASM_TRAINING_KERNELS: readonly KernelConfig[] = [
  conv2DBackpropFilterConfig,
  conv2DBackpropInputConfig,
  maxPoolGradConfig,
  batchMatMulConfig,
  sumConfig,
  meanConfig,
  tileConfig,
  identityConfig,
  conv2DPaddedConfig,
  fusedConv2DPaddedConfig,
  transformConfig,
];

let installed: string[] | undefined;

/**
 * Registers the kernels (idempotent) and returns their names. The stock kernel of the same name,
 * if any, is kept so ours can still call it (e.g. BatchMatMul).
 */
export function registerWasmTrainingKernels(): string[] {
  if (installed) return installed;
  require('@tensorflow/tfjs-backend-wasm');
  // Keep the stock versions of what we replace and of what our kernels call, before replacing.
  for (const name of [...WASM_TRAINING_KERNELS.map((c) => c.kernelName), 'Transpose', 'Slice', 'PadV2', 'Reverse', 'Reshape']) {
    captureStockKernel(name);
  }
  for (const config of WASM_TRAINING_KERNELS) {
    const stock = tf.getKernel(config.kernelName, 'wasm');
    if (stock) tf.unregisterKernel(config.kernelName, 'wasm');
    // The stock kernel's setup (binding its C function) must still run, since ours may call it.
    tf.registerKernel({ ...config, setupFunc: stock?.setupFunc, disposeFunc: stock?.disposeFunc });
  }
  installed = WASM_TRAINING_KERNELS.map((c) => c.kernelName);
  return installed;
}
