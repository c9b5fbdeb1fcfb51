/**
 * Convolutions and dense layers with a bias and a relu, fused while training too.
 *
 * tfjs-core fuses a layer's convolution (or matrix product), bias and relu into one `FusedConv2D`
 * (`_FusedMatMul`) kernel only when no gradient is being recorded (its `shouldFuse`); while
 * training, a layer with `activation: 'relu'` runs as the product, a broadcasting Add and Relu,
 * three passes over the output. Here `tf.fused.conv2d` and `tf.fused.matMul` run the fused kernel
 * under a gradient tape as well, and the kernels get registered gradients whose parts are computed
 * only when asked for (so a model's first layer skips its input's gradient, which tfjs-core's
 * fused op would compute). The gradient is the formula tfjs uses (relu's gradient, then the
 * product's two gradients and the bias sum), with relu's gradient taken from the registered one
 * (TensorFlow's ReluGrad on `tensorflow`).
 *
 * Measured on the seed CNN, batch 128, 2 cores: tensorflow ~53 -> ~48 ms a step, wasm ~2-4% faster.
 * Everything else (no bias, other activations, NCHW, dilations, transposes, batched products)
 * goes to tfjs-core's own op.
 *
 * On `tensorflow`, dense layers' products (2-D, no transposes, a relu or no activation, with or
 * without a bias) go instead to our DENSE_KERNEL, taped or not: one oneDNN op where tfjs-core
 * makes seven (see lib/engine/kernels/tensorflow/training-kernels.ts).
 */
import * as tf from '@tensorflow/tfjs';
import type { GradConfig, NamedAttrMap } from '@tensorflow/tfjs';
import { DENSE_KERNEL, type DenseAttrs } from './kernels/tensorflow/training-kernels';

type FusedConv2dArgs = Parameters<typeof tf.fused.conv2d>[0];
type FusedMatMulArgs = Parameters<typeof tf.fused.matMul>[0];
type FusedOps = typeof tf.fused;

/** tfjs-core's module object: tfjs-layers reads `fused` from it at each call. */
const core = require('@tensorflow/tfjs-core') as { fused: FusedOps };

let stock: FusedOps | undefined;

function isUnitDilation(d: FusedConv2dArgs['dilations']): boolean {
  return d === undefined || d === 1 || (Array.isArray(d) && d.every((v) => v === 1));
}

/** What both fused ops need to run fused here: a tape recording, a relu, and a bias vector. */
function reluWithBiasUnderTape(args: { activation?: string; preluActivationWeights?: unknown; bias?: unknown }): boolean {
  return tf.engine().state.gradientDepth > 0 && args.activation === 'relu' && !args.preluActivationWeights
    && args.bias instanceof tf.Tensor && args.bias.rank === 1;
}

/** Whether this call is one we run fused under the tape (the rest go to tfjs-core's op). */
function fusesHere(args: FusedConv2dArgs): boolean {
  const { x, filter } = args;
  return reluWithBiasUnderTape(args) && (args.dataFormat ?? 'NHWC') === 'NHWC' && isUnitDilation(args.dilations)
    && x instanceof tf.Tensor && x.rank === 4 && filter instanceof tf.Tensor && filter.rank === 4;
}

function fusedConv2d<T extends tf.Tensor3D | tf.Tensor4D>(args: Parameters<FusedOps['conv2d']>[0] & { x: T | tf.TensorLike }): T {
  if (!stock) throw new Error('fused convolution used before it was installed');
  if (!fusesHere(args)) return stock.conv2d<T>(args);
  const attrs = { strides: args.strides, pad: args.pad, dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: args.dimRoundingMode, activation: 'relu', leakyreluAlpha: 0 };
  const inputs = { x: args.x as tf.Tensor4D, filter: args.filter as tf.Tensor4D, bias: args.bias as tf.Tensor1D };
  return tf.engine().runKernel(tf.FusedConv2D, inputs, attrs as unknown as NamedAttrMap) as T;
}

/** Whether this product is one we run fused under the tape: a dense layer's [n, k] x [k, m] + bias, relu. */
function fusesMatMulHere(args: FusedMatMulArgs): boolean {
  const { a, b } = args;
  return reluWithBiasUnderTape(args) && !args.transposeA && !args.transposeB
    && a instanceof tf.Tensor && a.rank === 2 && b instanceof tf.Tensor && b.rank === 2;
}

/**
 * On tensorflow, a dense layer's product (with or without a bias; a relu or no activation), taped
 * or not, goes to our kernel (DENSE_KERNEL); undefined for anything else.
 */
function denseOnTensorflow(args: FusedMatMulArgs): tf.Tensor | undefined {
  const { a, b } = args;
  const bias = args.bias ?? undefined; // tfjs-layers passes null for none
  const activation = args.activation ?? 'linear';
  if (tf.getBackend() !== 'tensorflow' || !tf.getKernel(DENSE_KERNEL, 'tensorflow')) return undefined;
  if ((activation !== 'relu' && activation !== 'linear') || args.preluActivationWeights || args.transposeA || args.transposeB) return undefined;
  if (!(a instanceof tf.Tensor && b instanceof tf.Tensor) || (bias !== undefined && !(bias instanceof tf.Tensor))) return undefined;
  if (a.rank !== 2 || b.rank !== 2 || a.shape[1] !== b.shape[0] || a.dtype !== 'float32' || b.dtype !== 'float32') return undefined;
  if (bias && (bias.rank !== 1 || bias.shape[0] !== b.shape[1] || bias.dtype !== 'float32')) return undefined;
  const attrs: DenseAttrs = { activation };
  return tf.engine().runKernel(DENSE_KERNEL, bias ? { a, b, bias } : { a, b }, attrs as unknown as NamedAttrMap) as tf.Tensor;
}

function fusedMatMul(args: FusedMatMulArgs): tf.Tensor {
  if (!stock) throw new Error('fused product used before it was installed');
  const dense = denseOnTensorflow(args);
  if (dense) return dense;
  if (!fusesMatMulHere(args)) return stock.matMul(args);
  const a = args.a as tf.Tensor2D;
  const b = args.b as tf.Tensor2D;
  // The kernel takes batches of matrices, as tfjs-core's op gives it.
  const inputs = { a: tf.reshape(a, [1, ...a.shape]), b: tf.reshape(b, [1, ...b.shape]), bias: args.bias as tf.Tensor1D };
  const attrs = { transposeA: false, transposeB: false, activation: 'relu', leakyreluAlpha: 0 };
  const y = tf.engine().runKernel(tf._FusedMatMul, inputs, attrs as unknown as NamedAttrMap) as tf.Tensor3D;
  return tf.reshape(y, [a.shape[0], b.shape[1]]);
}

/** dy through a relu whose output was y (y > 0 exactly where its input was, so y stands in for it). */
function reluGradient(dy: tf.Tensor, y: tf.Tensor): tf.Tensor {
  const relu = tf.getGradient(tf.Relu);
  if (!relu) throw new Error('no gradient registered for Relu');
  return relu.gradFunc(dy, [y], {}).x() as tf.Tensor;
}

/**
 * A product y = act(a b + bias)'s gradients (no transposes), given dy already through the
 * activation: the two products, and the bias summed over every axis but the last.
 */
function productGradients(a: tf.Tensor, b: tf.Tensor, dyAct: tf.Tensor): Record<'a' | 'b' | 'bias', () => tf.Tensor> {
  const batchAxes = Array.from({ length: dyAct.rank - 1 }, (_, i) => i);
  return {
    a: () => tf.matMul(dyAct, b, false, true),
    b: () => tf.matMul(a, dyAct, true, false),
    bias: () => tf.sum(dyAct, batchAxes),
  };
}

/** The gradient of a _FusedMatMul with a bias and a relu and no transposes (the only kind fusedMatMul runs under the tape). */
const fusedMatMulGradient: GradConfig = {
  kernelName: tf._FusedMatMul,
  inputsToSave: ['a', 'b'],
  outputsToSave: [true],
  gradFunc: (dy, saved) => {
    const [a, b, y] = saved;
    // Here, not in a thunk: the tape disposes what each thunk makes once it returns.
    return productGradients(a, b, reluGradient(dy as tf.Tensor, y));
  },
};

/** The gradient of DENSE_KERNEL: a dense layer's 2-D product, its bias if any, a relu or no activation. */
const denseGradient: GradConfig = {
  kernelName: DENSE_KERNEL,
  inputsToSave: ['a', 'b'],
  outputsToSave: [true],
  gradFunc: (dy, saved, attrs) => {
    const [a, b, y] = saved;
    const { activation } = attrs as unknown as DenseAttrs;
    // Here, not in a thunk: the tape disposes what each thunk makes once it returns.
    return productGradients(a, b, activation === 'relu' ? reluGradient(dy as tf.Tensor, y) : dy as tf.Tensor);
  },
};

/** The gradient of a FusedConv2D with a bias and a relu (the only kind fusedConv2d runs under the tape). */
const fusedConv2dGradient: GradConfig = {
  kernelName: tf.FusedConv2D,
  inputsToSave: ['x', 'filter'],
  outputsToSave: [true],
  gradFunc: (dy, saved, attrs) => {
    const [x, filter, y] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
    // Here, not in a thunk: the tape disposes what each thunk makes once it returns, and all three need it.
    const dyRelu = reluGradient(dy as tf.Tensor, y) as tf.Tensor4D;
    const { strides, pad, dimRoundingMode } = attrs as unknown as tf.FusedConv2DAttrs;
    const common = { strides, pad, dataFormat: 'NHWC', dimRoundingMode };
    return {
      x: () => tf.engine().runKernel(tf.Conv2DBackpropInput, { dy: dyRelu, filter }, { ...common, inputShape: x.shape } as unknown as NamedAttrMap) as tf.Tensor,
      filter: () => tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy: dyRelu }, { ...common, filterShape: filter.shape } as unknown as NamedAttrMap) as tf.Tensor,
      bias: () => tf.sum(dyRelu, [0, 1, 2]),
    };
  },
};

/**
 * Makes `tf.fused.conv2d` and `tf.fused.matMul` (what tfjs-layers' conv2d and dense layers call)
 * fuse the bias and relu while training too. Idempotent; returns false (and changes nothing)
 * where tfjs-core's module object cannot be changed or tfjs registers gradients of its own for
 * the fused kernels.
 */
export function fuseLayersInTraining(): boolean {
  if (stock) return true;
  const descriptor = Object.getOwnPropertyDescriptor(core, 'fused');
  if (!descriptor?.writable || tf.getGradient(tf.FusedConv2D) || tf.getGradient(tf._FusedMatMul)) return false;
  stock = core.fused;
  tf.registerGradient(fusedConv2dGradient);
  tf.registerGradient(fusedMatMulGradient);
  tf.registerGradient(denseGradient);
  core.fused = { ...stock, conv2d: fusedConv2d, matMul: fusedMatMul };
  return true;
}

/** Whether fuseLayersInTraining is in effect. */
export function layersFusedInTraining(): boolean {
  return stock !== undefined && core.fused.conv2d === fusedConv2d && core.fused.matMul === fusedMatMul;
}
