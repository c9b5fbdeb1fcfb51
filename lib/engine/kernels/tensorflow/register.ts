/** Kernels the library needs that tfjs-node 4.22 lacks, registered for the `tensorflow` backend. */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig } from '@tensorflow/tfjs';
import { transformTensorflowConfig } from './transform';
import { REPLACED_TENSORFLOW_KERNELS, replaceTensorflowTrainingKernels } from './training-kernels';

const CONFIGS: readonly KernelConfig[] = [transformTensorflowConfig];

/** Names of the kernels we add to the tensorflow backend, or replace there with faster ones. */
export const TENSORFLOW_KERNELS: readonly string[] = [...CONFIGS.map((c) => c.kernelName), ...REPLACED_TENSORFLOW_KERNELS];

/**
 * Registers our tensorflow-backend kernels (idempotent) and returns their names. A missing kernel
 * the installed tfjs-node already has is left alone (a later tfjs-node's own version wins); the
 * training kernels wrap tfjs-node's (see training-kernels.ts).
 */
export function registerTensorflowKernels(): string[] {
  for (const config of CONFIGS) {
    if (!tf.getKernel(config.kernelName, config.backendName)) tf.registerKernel(config);
  }
  replaceTensorflowTrainingKernels();
  return [...TENSORFLOW_KERNELS];
}
