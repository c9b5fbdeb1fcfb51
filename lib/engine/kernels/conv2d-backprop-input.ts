/**
 * `Conv2DBackpropInput` for the wasm backend. The stock one is a scalar loop (~10x slower than the
 * forward conv). The input gradient is itself a forward convolution, which XNNPACK does fast:
 * dilate dy by the stride (zeros between rows/columns), pad it by (kernel - 1 - pad), and
 * correlate with the filter rotated 180° and with in/out channels swapped.
 */
import * as tf from '@tensorflow/tfjs';
import type { Conv2DBackpropInputAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { WasmBackendHandle, WasmKernelScope } from './wasm-scope';

/** Inserts (stride - 1) zeros between the rows and columns of an NHWC tensor. */
function dilate(scope: WasmKernelScope, dy: TensorInfo, sh: number, sw: number): TensorInfo {
  if (sh === 1 && sw === 1) return dy;
  const [n, h, w, c] = dy.shape;
  const spread = scope.reshape(dy, [n, h, 1, w, 1, c]);
  const padded = scope.run('PadV2', { x: spread }, {
    paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]],
    constantValue: 0,
  });
  const flat = scope.reshape(padded, [n, h * sh, w * sw, c]);
  return scope.run('Slice', { x: flat }, { begin: [0, 0, 0, 0], size: [n, (h - 1) * sh + 1, (w - 1) * sw + 1, c] });
}

/** Pads (positive amounts) or crops (negative amounts) the two spatial axes of an NHWC tensor. */
function padOrCrop(scope: WasmKernelScope, x: TensorInfo, top: number, bottom: number, left: number, right: number): TensorInfo {
  let out = x;
  if (top > 0 || bottom > 0 || left > 0 || right > 0) {
    out = scope.run('PadV2', { x: out }, {
      paddings: [[0, 0], [Math.max(top, 0), Math.max(bottom, 0)], [Math.max(left, 0), Math.max(right, 0)], [0, 0]],
      constantValue: 0,
    });
  }
  if (top < 0 || bottom < 0 || left < 0 || right < 0) {
    const [n, h, w, c] = out.shape;
    const t = Math.max(-top, 0);
    const l = Math.max(-left, 0);
    out = scope.run('Slice', { x: out }, {
      begin: [0, t, l, 0],
      size: [n, h - t - Math.max(-bottom, 0), w - l - Math.max(-right, 0), c],
    });
  }
  return out;
}

/** dx = conv2d(pad(dilate(dy)), rot180(W) with channels swapped), on the wasm backend. */
export const conv2DBackpropInputWasm: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as Conv2DBackpropInputAttrs;
  if (dataFormat === 'NCHW') throw new Error('Conv2DBackpropInput (wasm): only NHWC is supported');
  const info = tf.backend_util.computeConv2DInfo(
    inputShape, filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode, false, 'channelsLast');
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, inHeight, inWidth, padInfo } = info;
  const scope = new WasmKernelScope(backend as WasmBackendHandle);
  const spread = dilate(scope, dy, sh, sw);
  const top = kh - 1 - padInfo.top;
  const left = kw - 1 - padInfo.left;
  const bottom = inHeight + kh - 1 - spread.shape[1] - top;
  const right = inWidth + kw - 1 - spread.shape[2] - left;
  // XNNPACK pads implicitly (no copy) when the amounts are explicit and non-negative.
  const implicit = top >= 0 && bottom >= 0 && left >= 0 && right >= 0;
  const padded = implicit ? spread : padOrCrop(scope, spread, top, bottom, left, right);
  const convPad = implicit ? [[0, 0], [top, bottom], [left, right], [0, 0]] : 'valid';
  const flipped = scope.run('Reverse', { x: filter }, { dims: [0, 1] });
  const swapped = scope.run('Transpose', { x: flipped }, { perm: [0, 1, 3, 2] });
  const dx = scope.run('Conv2D', { x: padded, filter: swapped }, { strides: [1, 1], pad: convPad, dataFormat: 'NHWC', dilations: [1, 1] });
  return scope.finish(dx);
};

export const conv2DBackpropInputConfig: KernelConfig = {
  kernelName: tf.Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInputWasm,
};
