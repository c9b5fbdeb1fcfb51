/**
 * `Conv2D` / `FusedConv2D` for the wasm backend with strided 'same' padding made explicit. The
 * stock kernels return zeros for some strided 'same' convolutions (e.g. a 1x3 filter, stride 2,
 * on an 8x7 input): they let XNNPACK derive 'same' padding itself, which disagrees with tfjs's.
 * Passing tfjs's padding as explicit amounts gives tfjs's result at no extra cost. Everything
 * else goes straight to the stock kernel.
 */
import * as tf from '@tensorflow/tfjs';
import type { Conv2DAttrs, KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { WasmBackendHandle, WasmKernelScope } from './wasm-scope';

function paddedConv(kernelName: string): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { x, filter } = inputs as { x: TensorInfo; filter: TensorInfo };
    const a = attrs as unknown as Conv2DAttrs;
    const scope = new WasmKernelScope(backend as WasmBackendHandle);
    const strides = typeof a.strides === 'number' ? [a.strides, a.strides] : a.strides;
    if (a.pad !== 'same' || (strides[0] === 1 && strides[1] === 1) || a.dataFormat === 'NCHW') {
      return scope.finish(scope.run(kernelName, inputs as Record<string, TensorInfo>, attrs as NamedAttrMap));
    }
    const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number],
      filter.shape as [number, number, number, number], a.strides, a.dilations, 'same', a.dimRoundingMode);
    const { top, bottom, left, right } = info.padInfo;
    const explicit = [[0, 0], [top, bottom], [left, right], [0, 0]];
    return scope.finish(scope.run(kernelName, inputs as Record<string, TensorInfo>, { ...(attrs as NamedAttrMap), pad: explicit }));
  };
}

export const conv2DPaddedConfig: KernelConfig = { kernelName: tf.Conv2D, backendName: 'wasm', kernelFunc: paddedConv('Conv2D') };
export const fusedConv2DPaddedConfig: KernelConfig = {
  kernelName: tf.FusedConv2D, backendName: 'wasm', kernelFunc: paddedConv('FusedConv2D'),
};
