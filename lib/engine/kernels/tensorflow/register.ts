/** Kernels the library needs that tfjs-node 4.22 lacks, registered for the `tensorflow` backend. */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig } from '@tensorflow/tfjs';
import { transformTensorflowConfig } from './transform';

const CONFIGS: readonly KernelConfig[] = [transformTensorflowConfig];

/** Names of the kernels we add to the tensorflow backend. */
export const TENSORFLOW_KERNELS: readonly string[] = CONFIGS.map((c) => c.kernelName);

/**
 * Registers our tensorflow-backend kernels (idempotent) and returns their names. A kernel the
 * installed tfjs-node already has is left alone: a later tfjs-node's own version wins, and
 * tfjs would only warn about the duplicate anyway.
 */
export function registerTensorflowKernels(): string[] {
  for (const config of CONFIGS) {
    if (!tf.getKernel(config.kernelName, config.backendName)) tf.registerKernel(config);
  }
  return [...TENSORFLOW_KERNELS];
}
