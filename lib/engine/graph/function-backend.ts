/**
 * The tensorflow backend as a place to run whole functions: the two binding calls `digit-lab native`
 * adds (lib/engine/native/binding-patch.ts), whether they can be used now, and the functions made
 * of models, each added once and removed again once its model is garbage.
 */
import * as tf from '@tensorflow/tfjs';
import { encodeFunctionDef, type FunctionSpec } from './function-def';

/** A model translated into a function, and the weights it takes, in argument order. */
export interface TranslatedModel {
  spec: FunctionSpec;
  weights: tf.LayerVariable[];
}

/** A model's function as added to TensorFlow, or why the model has none. */
export type FunctionEntry = { name: string; weights: tf.LayerVariable[]; binding: FunctionBinding } | { refused: string };

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

/**
 * The functions `translate` makes of models, one per model, added to TensorFlow when first asked
 * for and made again when the binding or the model's `version` (a value that changes with the
 * settings the translation read, compared by identity) changes; removed once the model is garbage.
 */
export class ModelFunctions {
  private readonly entries = new WeakMap<tf.LayersModel, { entry: FunctionEntry; version: unknown }>();

  constructor(
    private readonly prefix: string,
    private readonly translate: (model: tf.LayersModel, name: string) => TranslatedModel | { refused: string },
  ) {}

  get(model: tf.LayersModel, backend: FunctionBackend, version?: unknown): FunctionEntry {
    const known = this.entries.get(model);
    if (known && known.version === version && ('refused' in known.entry || known.entry.binding === backend.binding)) return known.entry;
    const fn = this.translate(model, `${this.prefix}_${++functions}`);
    let entry: FunctionEntry;
    if ('refused' in fn) {
      entry = fn;
    } else {
      backend.binding.addFunctionDef(encodeFunctionDef(fn.spec));
      removeWhenCollected.register(model, { binding: backend.binding, name: fn.spec.name });
      entry = { name: fn.spec.name, weights: fn.weights, binding: backend.binding };
    }
    this.entries.set(model, { entry, version });
    return entry;
  }

  /**
   * Runs `model`'s function through `call`; if TensorFlow rejects it, warns once, keeps the model
   * op by op from then on (until its version changes) and returns undefined for the caller to
   * take the ordinary path.
   */
  run<R>(model: tf.LayersModel, call: () => R): R | undefined {
    try {
      return call();
    } catch (err) {
      const reason = `a function TensorFlow rejected (${(err as Error).message.split('\n').slice(0, 2).join(' ')})`;
      const known = this.entries.get(model);
      if (known) this.entries.set(model, { entry: { refused: reason }, version: known.version });
      process.emitWarning(`digit-lab: ${model.name} runs op by op: ${reason}`);
      return undefined;
    }
  }
}
