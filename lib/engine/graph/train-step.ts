/**
 * Training steps as one TensorFlow function on the tensorflow backend. tfjs-layers runs a step of
 * the reference CNN as about 55 eager ops from JavaScript (forward, loss, tape, Adam); here
 * `fit` and `trainOnBatch` run lib/engine/graph/train-function.ts's function instead, when the
 * model, loss, metrics and optimizer are ones it covers: a chain it translates ending in a
 * softmax, categorical cross-entropy, accuracy or no metric, no sample weights, no regularizers or
 * constraints, every layer trainable, and Adam held on TensorFlow (kernels/tensorflow/native-adam.ts).
 * Anything else takes tfjs-layers' own step, unchanged.
 */
import * as tf from '@tensorflow/tfjs';
import { adamStepVariables, isAdam } from '../kernels/tensorflow/native-adam';
import { functionBackend, ModelFunctions, type FunctionBackend, type FunctionEntry } from './function-backend';
import { trainFunction } from './train-function';

type TrainStep = (data: tf.Tensor[]) => tf.Scalar[];

/** tfjs-layers' LayersModel as far as this file reads it (the fields are public there, untyped here). */
interface ModelInternals {
  loss: unknown;
  metricsTensors: unknown[];
  metricsNames: string[];
  makeTrainFunction(): TrainStep;
}

let stockMakeTrainFunction: (() => TrainStep) | undefined;
let enabled = true;

/** Why `model`'s own settings (not the backend's) keep its steps op by op, or undefined. */
function settingsRefusal(model: tf.LayersModel): string | undefined {
  const m = model as unknown as ModelInternals;
  if (m.loss !== 'categoricalCrossentropy') return `loss ${String(m.loss)}`;
  const names = m.metricsNames ?? [];
  if (names.length > 2 || names[0] !== 'loss' || (names.length === 2 && names[1] !== 'acc')) return `metrics ${names.slice(1).join(', ')}`;
  for (const layer of model.layers) {
    if (layer.getClassName() === 'InputLayer') continue;
    if (!layer.trainable) return `the frozen layer ${layer.name}`;
    const config = layer.getConfig() as Record<string, unknown>;
    for (const key of ['kernelRegularizer', 'biasRegularizer', 'activityRegularizer', 'kernelConstraint', 'biasConstraint']) {
      if (config[key] != null) return `${key} on ${layer.name}`;
    }
  }
  return undefined;
}

// The settings the translation reads are the compiled ones, and each compile makes a new list of metrics.
const functions = new ModelFunctions('digit_lab_train', (model, name) => {
  const refusal = settingsRefusal(model);
  return refusal ? { refused: refusal } : trainFunction(model, name);
});

function entryFor(model: tf.LayersModel, backend: FunctionBackend): FunctionEntry {
  return functions.get(model, backend, (model as unknown as ModelInternals).metricsTensors);
}

/**
 * Why a training step of `model` runs op by op now, or undefined when it runs as one TensorFlow
 * function (translating it if it is not yet). The model must be compiled.
 */
export function trainStepReason(model: tf.LayersModel): string | undefined {
  if (!enabled) return 'training steps as functions are turned off';
  const backend = functionBackend();
  if (typeof backend === 'string') return backend;
  const entry = entryFor(model, backend);
  if ('refused' in entry) return `the model has ${entry.refused}, which trains op by op`;
  if (!isAdam(model.optimizer)) return 'its optimizer is not Adam';
  return undefined;
}

/** One step as a function; undefined when this step must be tfjs-layers' own. */
function functionStep(model: tf.LayersModel, data: tf.Tensor[]): tf.Scalar[] | undefined {
  if (!enabled || data.length !== 2) return undefined;
  const backend = functionBackend();
  if (typeof backend === 'string') return undefined;
  const [x, y] = data;
  if (x.dtype !== 'float32' || y.dtype !== 'float32' || x.shape[0] !== y.shape[0]) return undefined;
  const entry = entryFor(model, backend);
  if ('refused' in entry) return undefined;
  const adam = adamStepVariables(model.optimizer, entry.weights.map((w) => (w.read() as tf.Variable).name));
  if (!adam) return undefined;
  const scale = tf.scalar(1 / x.shape[0]);
  let outs: tf.Tensor[] | undefined;
  try {
    outs = functions.run(model, () => backend.executeMultipleOutputs(entry.name, [], [x, y, scale, ...adam.scalars, ...adam.handles], 2 + entry.weights.length));
  } finally {
    scale.dispose();
  }
  if (!outs) {
    tf.dispose(adam.scalars);
    return undefined;
  }
  adam.finish(outs.slice(2));
  const [loss, accuracy] = outs as tf.Scalar[];
  if ((model as unknown as ModelInternals).metricsNames.length === 2) return [loss, accuracy];
  accuracy.dispose();
  return [loss];
}

/**
 * Makes `fit` and `trainOnBatch` of every layers model run each step as one TensorFlow function
 * where it can (see the module comment); `false` turns it off, `true` on again. Idempotent.
 */
export function trainStepsAsFunctions(on?: boolean): void {
  if (!stockMakeTrainFunction) {
    const proto = tf.LayersModel.prototype as unknown as ModelInternals;
    const stock = proto.makeTrainFunction;
    stockMakeTrainFunction = stock;
    proto.makeTrainFunction = function (this: ModelInternals): TrainStep {
      const ordinary = stock.call(this);
      const model = this as unknown as tf.LayersModel;
      return (data) => functionStep(model, data) ?? ordinary(data);
    };
  }
  if (on !== undefined) enabled = on;
}
