/**
 * `BatchMatMul` for the wasm backend with transposed operands made explicit. The stock kernel sends
 * transposed operands down a scalar loop (a dense layer's weight gradient, xᵀ·dy, took ~20x longer
 * than the same product without the flag); a wasm Transpose followed by the XNNPACK path is fast.
 */
import * as tf from '@tensorflow/tfjs';
import type { BatchMatMulAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { WasmBackendHandle, WasmKernelScope } from './wasm-scope';

function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return perm;
}

export const batchMatMulWasm: KernelFunc = ({ inputs, backend, attrs }) => {
  let { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
  const { transposeA, transposeB } = attrs as unknown as BatchMatMulAttrs;
  const scope = new WasmKernelScope(backend as WasmBackendHandle);
  if (transposeA) a = scope.run('Transpose', { x: a }, { perm: swapLastTwo(a.shape.length) });
  if (transposeB) b = scope.run('Transpose', { x: b }, { perm: swapLastTwo(b.shape.length) });
  return scope.finish(scope.run('BatchMatMul', { a, b }, { transposeA: false, transposeB: false }));
};

export const batchMatMulConfig: KernelConfig = {
  kernelName: tf.BatchMatMul,
  backendName: 'wasm',
  kernelFunc: batchMatMulWasm,
};
