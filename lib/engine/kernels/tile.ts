/**
 * `Tile` for the wasm backend. The stock kernel computes every output element's source index
 * (~60 ms to broadcast a [1,1,1,64] batch-norm statistic to [128,14,14,64] in a training step).
 * Tiling is block copying: fill one copy of each axis, then duplicate it with copyWithin.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo, TileAttrs } from '@tensorflow/tfjs';
import { heapOf, WasmBackendHandle, WasmKernelScope } from './wasm-scope';

/** Writes `src` (shape `shape`) tiled `reps` times per axis into `dst` (4-byte elements). */
export function tileInto(dst: Int32Array, src: Int32Array, shape: number[], reps: number[]): void {
  const rank = shape.length;
  if (rank === 0) {
    dst[0] = src[0];
    return;
  }
  const srcStride = new Array<number>(rank);
  const dstStride = new Array<number>(rank);
  srcStride[rank - 1] = 1;
  dstStride[rank - 1] = 1;
  for (let d = rank - 2; d >= 0; d--) {
    srcStride[d] = srcStride[d + 1] * shape[d + 1];
    dstStride[d] = dstStride[d + 1] * shape[d + 1] * reps[d + 1];
  }
  const fill = (d: number, s: number, o: number): void => {
    if (d === rank - 1) {
      dst.set(src.subarray(s, s + shape[d]), o);
    } else {
      for (let i = 0; i < shape[d]; i++) fill(d + 1, s + i * srcStride[d], o + i * dstStride[d]);
    }
    // One copy of this axis is in place: duplicate it reps[d] - 1 times.
    const block = shape[d] * dstStride[d];
    for (let r = 1; r < reps[d]; r++) dst.copyWithin(o + r * block, o, o + block);
  };
  fill(0, 0, 0);
}

export const tileWasm: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x } = inputs as { x: TensorInfo };
  const { reps } = attrs as unknown as TileAttrs;
  const wasm = backend as WasmBackendHandle;
  if (x.dtype !== 'float32' && x.dtype !== 'int32') {
    const scope = new WasmKernelScope(wasm);
    return scope.finish(scope.run('Tile', { x }, { reps }));
  }
  const outShape = x.shape.map((s, i) => s * reps[i]);
  const out = wasm.makeOutput(outShape, x.dtype);
  const size = (t: TensorInfo) => tf.util.sizeFromShape(t.shape);
  const heap = heapOf(wasm);
  const dst = new Int32Array(heap, wasm.dataIdMap.get(out.dataId).memoryOffset, size(out));
  if (dst.length > 0) tileInto(dst, new Int32Array(heap, wasm.dataIdMap.get(x.dataId).memoryOffset, size(x)), x.shape, reps);
  return out;
};

export const tileConfig: KernelConfig = { kernelName: tf.Tile, backendName: 'wasm', kernelFunc: tileWasm };
