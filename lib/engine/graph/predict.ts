/**
 * Inference as one TensorFlow function on the tensorflow backend. Run op by op, a forward pass of
 * the reference CNN is about 15 eager calls from JavaScript, each a separate dispatch in
 * TensorFlow; as one function (fused as Grappler fuses Keras' graph), it is about 7% faster at
 * batch 512. Everywhere else (other backends, a binding built without functions, layers
 * lib/engine/graph/layers-to-function.ts does not translate), it is `model.predict`.
 */
import * as tf from '@tensorflow/tfjs';
import { functionBackend, ModelFunctions } from './function-backend';
import { modelFunction } from './layers-to-function';

const functions = new ModelFunctions('digit_lab_model', modelFunction);

/**
 * Why `model` would run op by op on the current backend, or undefined when `predict` runs it as
 * one TensorFlow function (registering the function if it is not yet); see predictTensor.
 */
export function opByOpReason(model: tf.LayersModel): string | undefined {
  const backend = functionBackend();
  if (typeof backend === 'string') return backend;
  const entry = functions.get(model, backend);
  return 'refused' in entry ? `the model has ${entry.refused}, which runs op by op` : undefined;
}

function fitsInput(model: tf.LayersModel, x: tf.Tensor): boolean {
  const shape = model.inputs[0].shape;
  return x.dtype === 'float32' && x.rank === shape.length && shape.every((d, i) => i === 0 || d === null || d === x.shape[i]);
}

/**
 * `model`'s output for the batch `x` (inference: dropout off, batch norm on its moving
 * statistics), as `model.predict` gives it, in batches of `batchSize` (default: all of `x`).
 */
export function predictTensor(model: tf.LayersModel, x: tf.Tensor, options: { batchSize?: number } = {}): tf.Tensor {
  const n = x.shape[0] ?? 1;
  // All of x at once unless told otherwise (model.predict's own default is 32).
  const size = Math.max(1, options.batchSize ?? n);
  const backend = functionBackend();
  // A misshapen input gets model.predict's own error.
  if (typeof backend === 'string' || !fitsInput(model, x)) return model.predict(x, { batchSize: size }) as tf.Tensor;
  const entry = functions.get(model, backend);
  if ('refused' in entry) return model.predict(x, { batchSize: size }) as tf.Tensor;
  const run = (batch: tf.Tensor) => backend.executeSingleOutput(entry.name, [], [batch, ...entry.weights.map((w) => w.read())]);
  const out = functions.run(model, () => {
    if (n <= size) return run(x);
    return tf.tidy(() => {
      const parts: tf.Tensor[] = [];
      for (let start = 0; start < n; start += size) parts.push(run(x.slice(start, Math.min(size, n - start))));
      return tf.concat(parts);
    });
  });
  return out ?? (model.predict(x, { batchSize: size }) as tf.Tensor);
}
