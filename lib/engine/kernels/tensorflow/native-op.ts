/**
 * The little of tfjs-node's backend our kernels use, typed here because `@tensorflow/tfjs-node`
 * may not be installed (nothing in lib/ may import it): the binding's enum values and
 * `executeSingleOutput`, which runs one TensorFlow eager op.
 */
import type { DataType, Tensor, TensorInfo } from '@tensorflow/tfjs';

/** One attribute of a TensorFlow op, in the form tfjs-node's binding takes. */
export interface NativeOpAttr {
  name: string;
  /** A `TF_ATTR_*` value of the binding. */
  type: number;
  value: string | number | boolean | number[];
}

/** The binding's enum values we need (TF_DataType and TF_AttrType, as numbers). */
export interface NativeBinding {
  TF_FLOAT: number;
  TF_INT32: number;
  TF_ATTR_STRING: number;
  TF_ATTR_TYPE: number;
}

/** tfjs-node's NodeJSKernelBackend, as far as we call it. */
export interface NativeBackend {
  binding: NativeBinding;
  executeSingleOutput(name: string, attrs: NativeOpAttr[], inputs: TensorInfo[]): Tensor;
}

/**
 * Narrows a kernel's `backend` argument to tfjs-node's, failing clearly if a kernel registered
 * for 'tensorflow' somehow runs on something else (the checks are what we call, not its class).
 */
export function asNativeBackend(backend: unknown, kernel: string): NativeBackend {
  const b = backend as Partial<NativeBackend> | null;
  if (!b || typeof b.executeSingleOutput !== 'function' || typeof b.binding !== 'object' || b.binding === null) {
    throw new Error(`${kernel}: expected tfjs-node's tensorflow backend`);
  }
  return b as NativeBackend;
}

/** The `type`-attribute value (a TF_DataType) for a tfjs dtype TensorFlow ops accept here. */
export function nativeDtype(backend: NativeBackend, dtype: DataType, kernel: string): number {
  if (dtype === 'float32') return backend.binding.TF_FLOAT;
  if (dtype === 'int32') return backend.binding.TF_INT32;
  throw new Error(`${kernel}: dtype ${dtype} is not supported on the tensorflow backend (float32 or int32)`);
}
