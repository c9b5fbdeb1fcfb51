/**
 * A layers model's inference pass as one TensorFlow function: a chain of Conv2D, MaxPooling2D,
 * AveragePooling2D, Flatten, Dense, Activation, BatchNormalization and Dropout layers (channels
 * last) becomes the same TensorFlow ops, with the input and every weight as arguments, so training
 * between calls needs no new function. Anything else is refused with the reason, and the caller
 * runs the model op by op instead.
 */
import type * as tf from '@tensorflow/tfjs';
import type { TranslatedModel } from './function-backend';
import { DT_FLOAT, DT_INT32, type AttrValue, type FunctionNode } from './function-def';


/**
 * What the forward pass did, layer by layer, for a training step to go back through (value names
 * are node outputs or arguments; weights are indices into the builder's weights).
 */
export type Step =
  | {
    kind: 'product'; op: 'Conv2D' | 'MatMul'; input: string; kernel: number; bias?: number;
    /** The product's output: after the relu when it is fused in, else before the activation. */
    fused: string; reluFused: boolean; activation: string; attr: Record<string, AttrValue>;
  }
  | { kind: 'pool'; op: 'MaxPool' | 'AvgPool'; input: string; output: string; attr: Record<string, AttrValue> }
  | { kind: 'flatten'; shape: number[] }
  | { kind: 'activation'; activation: string; output: string }
  | { kind: 'inference only'; layer: string };

/** TensorFlow's op and output argument for each activation we translate; linear is none. */
const ACTIVATIONS: Record<string, [op: string, output: string] | null> = {
  linear: null,
  relu: ['Relu', 'activations'],
  relu6: ['Relu6', 'activations'],
  elu: ['Elu', 'activations'],
  selu: ['Selu', 'activations'],
  sigmoid: ['Sigmoid', 'y'],
  tanh: ['Tanh', 'y'],
  softmax: ['Softmax', 'softmax'],
};

type Config = Record<string, unknown>;

class Refused extends Error {}

const T: AttrValue = { type: DT_FLOAT };

const pair = (v: unknown, what: string): [number, number] => {
  const a = typeof v === 'number' ? [v, v] : (v as number[]);
  if (!Array.isArray(a) || a.length !== 2) throw new Refused(`${what} is not a pair`);
  return [a[0], a[1]];
};

/**
 * Builds the nodes one layer at a time, keeping the name of the current value and the steps taken.
 * With `variables`, each weight is a TensorFlow variable argument (`v0`, `v1`, ...) read once;
 * otherwise a float argument (`w0`, `w1`, ...).
 */
export class Builder {
  readonly nodes: FunctionNode[] = [];
  readonly weights: tf.LayerVariable[] = [];
  /** Node outputs (or arguments) holding each weight's value, by weight index. */
  readonly weightValues: string[] = [];
  readonly steps: Step[] = [];
  value = 'x';

  constructor(readonly variables = false) {}

  /** Adds a node whose first input is the current value; it becomes the current value. */
  op(name: string, op: string, output: string, extra: string[], attr: Record<string, AttrValue>): void {
    this.nodes.push({ name, op, input: [this.value, ...extra], attr });
    this.value = `${name}:${output}:0`;
  }

  /** The value of `w`, added as the next weight. */
  weight(w: tf.LayerVariable): string {
    const i = this.weights.push(w) - 1;
    let value = `w${i}`;
    if (this.variables) {
      this.nodes.push({ name: `read${i}`, op: 'ReadVariableOp', input: [`v${i}`], attr: { dtype: T } });
      value = `read${i}:value:0`;
    }
    this.weightValues.push(value);
    return value;
  }

  /** The arguments after the input(s): one per weight. */
  weightArguments(): string[] {
    return this.weights.map((_, i) => (this.variables ? `v${i}` : `w${i}`));
  }

  /** A constant: int32 values as a vector, one float as a scalar. */
  constant(name: string, values: number[], dtype = DT_INT32): string {
    const tensor = dtype === DT_INT32 ? { dtype, shape: [values.length], int32: values } : { dtype, shape: [], float: values };
    this.nodes.push({ name, op: 'Const', input: [], attr: { dtype: { type: dtype }, value: { tensor } } });
    return `${name}:output:0`;
  }

  activation(prefix: string, name: unknown): void {
    const key = String(name ?? 'linear');
    if (!(key in ACTIVATIONS)) throw new Refused(`activation ${key}`);
    const act = ACTIVATIONS[key];
    if (act) this.op(`${prefix}_${key}`, act[0], act[1], [], { T });
  }

  /** An Activation layer. */
  activationLayer(prefix: string, name: unknown): void {
    this.activation(prefix, name);
    this.steps.push({ kind: 'activation', activation: String(name ?? 'linear'), output: this.value });
  }

  /**
   * A convolution or matrix product with its layer's bias and activation. With a bias, it is
   * TensorFlow's fused form (`_FusedConv2D`, `_FusedMatMul`) with the bias and a relu folded in,
   * the ops Grappler's remapper makes of Keras' graph; function calls in eager mode skip Grappler,
   * so the function states them itself. oneDNN's layout pass then picks its own kernels for them.
   */
  product(layer: tf.layers.Layer, config: Config, prefix: string, op: 'Conv2D' | 'MatMul', output: string, attr: Record<string, AttrValue>): void {
    const input = this.value;
    const kernelValue = this.weight(layer.weights[0]);
    const kernel = this.weights.length - 1;
    const activation = String(config.activation ?? 'linear');
    if (config.useBias === false) {
      this.op(`${prefix}_${op}`, op, output, [kernelValue], { T, ...attr });
      this.steps.push({ kind: 'product', op, input, kernel, fused: this.value, reluFused: false, activation, attr });
      this.activation(prefix, activation);
      return;
    }
    const relu = activation === 'relu';
    const biasValue = this.weight(layer.weights[1]);
    this.op(`${prefix}_${op}`, `_Fused${op}`, output, [kernelValue, biasValue], {
      T, ...attr, ...(op === 'Conv2D' ? { TArgs: { list: { type: [DT_FLOAT] } } } : {}), num_args: { i: 1 }, fused_ops: { list: { s: relu ? ['BiasAdd', 'Relu'] : ['BiasAdd'] } },
    });
    this.steps.push({ kind: 'product', op, input, kernel, bias: kernel + 1, fused: this.value, reluFused: relu, activation, attr });
    if (!relu) this.activation(prefix, activation);
  }
}

function inputRank(layer: tf.layers.Layer): number {
  const input = layer.input;
  if (Array.isArray(input)) throw new Refused(`${layer.getClassName()} with more than one input`);
  return input.shape.length;
}

function channelsLast(config: Config, what: string): void {
  if (config.dataFormat !== undefined && config.dataFormat !== 'channelsLast') throw new Refused(`${what} is channels first`);
}

function padding(config: Config, what: string): string {
  if (config.padding === 'valid' || config.padding === 'same') return String(config.padding).toUpperCase();
  throw new Refused(`${what} padding ${String(config.padding)}`);
}

function addLayer(b: Builder, layer: tf.layers.Layer, prefix: string): void {
  const config = layer.getConfig() as Config;
  const kind = layer.getClassName();
  switch (kind) {
    case 'Conv2D': {
      channelsLast(config, kind);
      const [sh, sw] = pair(config.strides, 'strides');
      const [dh, dw] = pair(config.dilationRate ?? 1, 'dilation');
      b.product(layer, config, prefix, 'Conv2D', 'output', {
        strides: { list: { i: [1, sh, sw, 1] } }, padding: { s: padding(config, kind) }, data_format: { s: 'NHWC' }, dilations: { list: { i: [1, dh, dw, 1] } },
      });
      return;
    }
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      channelsLast(config, kind);
      const [kh, kw] = pair(config.poolSize, 'pool size');
      const [sh, sw] = pair(config.strides ?? config.poolSize, 'strides');
      const op = kind === 'MaxPooling2D' ? 'MaxPool' : 'AvgPool';
      const attr: Record<string, AttrValue> = {
        T, ksize: { list: { i: [1, kh, kw, 1] } }, strides: { list: { i: [1, sh, sw, 1] } }, padding: { s: padding(config, kind) }, data_format: { s: 'NHWC' },
      };
      const input = b.value;
      b.op(`${prefix}_pool`, op, 'output', [], attr);
      b.steps.push({ kind: 'pool', op, input, output: b.value, attr });
      return;
    }
    case 'Flatten': {
      const out = layer.outputShape as number[];
      b.op(`${prefix}_flatten`, 'Reshape', 'output', [b.constant(`${prefix}_shape`, [-1, out[1]])], { T, Tshape: { type: DT_INT32 } });
      b.steps.push({ kind: 'flatten', shape: (layer.input as tf.SymbolicTensor).shape.slice(1) as number[] });
      return;
    }
    case 'Dense': {
      if (inputRank(layer) !== 2) throw new Refused('Dense on more than one axis');
      b.product(layer, config, prefix, 'MatMul', 'product', { transpose_a: { b: false }, transpose_b: { b: false } });
      return;
    }
    case 'Activation':
      b.activationLayer(prefix, config.activation);
      return;
    case 'Dropout':
      b.steps.push({ kind: 'inference only', layer: kind });
      return;
    case 'BatchNormalization':
      batchNorm(b, layer, config, prefix);
      b.steps.push({ kind: 'inference only', layer: kind });
      return;
    default:
      throw new Refused(`layer ${kind}`);
  }
}

/** Inference batch norm on the last axis: x * scale + shift, scale = gamma / sqrt(var + eps). */
function batchNorm(b: Builder, layer: tf.layers.Layer, config: Config, prefix: string): void {
  const rank = inputRank(layer);
  const axis = Number(config.axis ?? -1);
  if (axis !== -1 && axis !== rank - 1) throw new Refused('BatchNormalization on an axis other than the last');
  const byName = (part: string) => layer.weights.find((w) => w.originalName.endsWith(`/${part}`));
  const mean = byName('moving_mean');
  const variance = byName('moving_variance');
  const gamma = config.scale === false ? undefined : byName('gamma');
  const beta = config.center === false ? undefined : byName('beta');
  if (!mean || !variance || (config.scale !== false && !gamma) || (config.center !== false && !beta)) throw new Refused('BatchNormalization weights not found');
  const x = b.value;
  const eps = b.constant(`${prefix}_eps`, [Number(config.epsilon ?? 1e-3)], DT_FLOAT);
  b.value = b.weight(variance);
  b.op(`${prefix}_var_eps`, 'AddV2', 'z', [eps], { T });
  b.op(`${prefix}_rsqrt`, 'Rsqrt', 'y', [], { T });
  if (gamma) b.op(`${prefix}_scale`, 'Mul', 'z', [b.weight(gamma)], { T });
  const scale = b.value;
  b.value = b.weight(mean);
  b.op(`${prefix}_mean_scaled`, 'Mul', 'z', [scale], { T });
  const meanScaled = b.value;
  if (beta) {
    b.value = b.weight(beta);
    b.op(`${prefix}_shift`, 'Sub', 'z', [meanScaled], { T });
  } else {
    b.value = meanScaled;
    b.op(`${prefix}_shift`, 'Neg', 'y', [], { T });
  }
  const shift = b.value;
  b.value = x;
  b.op(`${prefix}_times`, 'Mul', 'z', [scale], { T });
  b.op(`${prefix}_plus`, 'AddV2', 'z', [shift], { T });
}

/** Runs `b` through `model`'s layers, which must be one chain from one input to one output. */
export function translateChain(model: tf.LayersModel, b: Builder): void {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) throw new Refused('more than one input or output');
  let previous: tf.layers.Layer | undefined;
  model.layers.forEach((layer, i) => {
    if (layer.getClassName() === 'InputLayer') {
      previous = layer;
      return;
    }
    const inbound = layer.inboundNodes;
    if (inbound.length !== 1 || inbound[0].inboundLayers.length !== 1 || (previous && inbound[0].inboundLayers[0] !== previous)) {
      throw new Refused('layers that are not one chain');
    }
    addLayer(b, layer, `l${i}`);
    previous = layer;
  });
}

/** `fn()`, or the reason it gave for refusing. */
export function unlessRefused<R>(fn: () => R): R | { refused: string } {
  try {
    return fn();
  } catch (err) {
    if (err instanceof Refused) return { refused: err.message };
    throw err;
  }
}

/** Throws the refusal `reason` inside unlessRefused. */
export function refuse(reason: string): never {
  throw new Refused(reason);
}

/**
 * Translates `model` into a function named `name`, or returns the reason it cannot: a layer,
 * activation or option this module does not translate, or a graph that is not one chain.
 */
export function modelFunction(model: tf.LayersModel, name: string): TranslatedModel | { refused: string } {
  return unlessRefused(() => {
    const b = new Builder();
    translateChain(model, b);
    return { spec: { name, inputs: ['x', ...b.weightArguments()], outputs: { y: b.value }, nodes: b.nodes }, weights: b.weights };
  });
}
