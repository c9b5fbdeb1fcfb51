/**
 * The tensorflow backend as a place to run whole functions: the two binding calls `digit-lab native`
 * adds (lib/engine/native/binding-patch.ts), whether they can be used now, and adding a function
 * that is removed again once the object it was made for is garbage.
 */
import * as tf from '@tensorflow/tfjs';
import { encodeFunctionDef, type FunctionSpec } from './function-def';

/** The binding calls `digit-lab native` adds. */
export interface FunctionBinding {
  addFunctionDef(bytes: Uint8Array): void;
  removeFunction(name: string): void;
}

/** tfjs-node's backend, as far as running functions goes. */
export interface FunctionBackend {
  binding: FunctionBinding;
  executeSingleOutput(name: string, attrs: unknown[], inputs: tf.TensorInfo[]): tf.Tensor;
  executeMultipleOutputs(name: string, attrs: unknown[], inputs: tf.TensorInfo[], numOutputs: number): tf.Tensor[];
}

/** Set to 0 to run every model op by op (for comparisons and to rule the functions out). */
export const MODEL_FUNCTION_ENV = 'DIGIT_LAB_MODEL_FUNCTION';

let functions = 0;
const removeWhenCollected = new FinalizationRegistry<{ binding: FunctionBinding; name: string }>(({ binding, name }) => {
  try {
    binding.removeFunction(name);
  } catch {
    // the process is ending or the context is gone: nothing to free
  }
});

/** The active backend if it can run functions now, else why not. */
export function functionBackend(): FunctionBackend | string {
  if (tf.getBackend() !== 'tensorflow') return `the ${tf.getBackend()} backend runs models op by op`;
  if (process.env[MODEL_FUNCTION_ENV] === '0') return `${MODEL_FUNCTION_ENV}=0`;
  const backend = tf.backend() as unknown as Partial<FunctionBackend> & { binding?: Partial<FunctionBinding> };
  const binding = backend.binding;
  if (typeof backend.executeSingleOutput !== 'function' || typeof backend.executeMultipleOutputs !== 'function'
    || typeof binding?.addFunctionDef !== 'function' || typeof binding.removeFunction !== 'function') {
    return 'this tfjs-node binding cannot add functions (run `digit-lab native` again to rebuild it)';
  }
  return backend as FunctionBackend;
}

/** A name no function of this process has had, starting with `prefix`. */
export function newFunctionName(prefix: string): string {
  return `${prefix}_${++functions}`;
}

/** Adds `spec` to TensorFlow's context; it is removed once `owner` is garbage. */
export function addFunction(backend: FunctionBackend, spec: FunctionSpec, owner: object): void {
  backend.binding.addFunctionDef(encodeFunctionDef(spec));
  removeWhenCollected.register(owner, { binding: backend.binding, name: spec.name });
}
