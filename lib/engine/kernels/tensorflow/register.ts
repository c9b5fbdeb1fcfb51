/** Kernels the library needs that tfjs-node 4.22 lacks, registered for the `tensorflow` backend. */
import * as tf from '@tensorflow/tfjs';

/** Names of the kernels we add to the tensorflow backend. */
export const TENSORFLOW_KERNELS: readonly string[] = [];

let registered = false;

/** Registers our tensorflow-backend kernels once; returns their names. */
export function registerTensorflowKernels(): string[] {
  if (!registered) {
    registered = true;
    void tf;
  }
  return [...TENSORFLOW_KERNELS];
}
