/**
 * Plumbing for kernels built out of other wasm kernels: call a stock kernel function directly
 * (no engine, no tape), keep track of the intermediates and free them at the end.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelBackend, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';

type KernelFn = (args: { inputs: unknown; backend: KernelBackend; attrs?: NamedAttrMap }) => TensorInfo | TensorInfo[];

/** What our kernels need from the wasm backend object (`BackendWasm`). */
export interface WasmBackendHandle extends KernelBackend {
  wasm: { HEAPU8: Uint8Array; wasmMemory?: WebAssembly.Memory };
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
}

/** Kernel functions captured before we replaced them, so replacements can still call them. */
const stockKernels = new Map<string, KernelFn>();

/** Remembers the wasm kernel currently registered under `name` as the stock one (first call wins). */
export function captureStockKernel(name: string): KernelFn | undefined {
  if (!stockKernels.has(name)) {
    const config = tf.getKernel(name, 'wasm');
    if (config) stockKernels.set(name, config.kernelFunc as unknown as KernelFn);
  }
  return stockKernels.get(name);
}

/** The stock wasm kernel function that ours replaced (undefined when there was none). */
export function stockKernel(name: string): KernelFn | undefined {
  return stockKernels.get(name);
}

function kernelFn(name: string): KernelFn {
  const fn = stockKernels.get(name) ?? (tf.getKernel(name, 'wasm')?.kernelFunc as unknown as KernelFn | undefined);
  if (!fn) throw new Error(`wasm backend has no ${name} kernel (is @tensorflow/tfjs-backend-wasm loaded?)`);
  return fn;
}

/** The wasm heap's current buffer (a SharedArrayBuffer on the threaded build). */
export function heapOf(backend: WasmBackendHandle): ArrayBufferLike {
  return backend.wasm.wasmMemory?.buffer ?? backend.wasm.HEAPU8.buffer;
}

/** A float32 view of a tensor's bytes on the wasm heap (valid until the heap grows). */
export function heapF32(backend: WasmBackendHandle, t: TensorInfo): Float32Array {
  const offset = backend.dataIdMap.get(t.dataId).memoryOffset;
  return new Float32Array(heapOf(backend), offset, tf.util.sizeFromShape(t.shape));
}

/** Runs stock wasm kernels and disposes every intermediate except what `keep` returns. */
export class WasmKernelScope {
  private readonly temps: TensorInfo[] = [];

  constructor(readonly backend: WasmBackendHandle) {}

  run(name: string, inputs: Record<string, TensorInfo> | TensorInfo[], attrs: NamedAttrMap = {}): TensorInfo {
    const out = kernelFn(name)({ inputs, backend: this.backend, attrs });
    if (Array.isArray(out)) throw new Error(`${name} returned several outputs`);
    this.temps.push(out);
    return out;
  }

  /** A new float32 tensor on the heap (contents undefined), freed with the scope unless returned. */
  output(shape: number[]): TensorInfo {
    const out = this.backend.makeOutput(shape, 'float32');
    this.temps.push(out);
    return out;
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  /** A point to free intermediates back to (see releaseFrom). */
  mark(): number {
    return this.temps.length;
  }

  /** Frees the intermediates made since `mark` (e.g. at the end of a loop iteration). */
  releaseFrom(mark: number): void {
    for (const t of this.temps.splice(mark)) this.backend.disposeData(t.dataId);
  }

  /** Frees all intermediates but `result`, which the caller hands to the engine. */
  finish(result: TensorInfo): TensorInfo {
    for (const t of this.temps) if (t !== result) this.backend.disposeData(t.dataId);
    this.temps.length = 0;
    return result;
  }
}
