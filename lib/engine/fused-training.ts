/**
 * Convolutions with a bias and a relu, fused while training too.
 *
 * tfjs-core fuses a layer's convolution, bias and relu into one `FusedConv2D` kernel only when no
 * gradient is being recorded (its `shouldFuse`); while training, a `conv2d` layer with
 * `activation: 'relu'` runs as Conv2D, a broadcasting Add and Relu, three passes over the output.
 * It also computes the input's gradient even for a model's first layer, where nothing needs it.
 * Here `tf.fused.conv2d` runs the fused kernel under a gradient tape as well, and `FusedConv2D`
 * gets a registered gradient whose parts are computed only when asked for. The gradient is the
 * same formula tfjs uses (relu's gradient, then the two convolution gradients and the bias sum),
 * with relu's gradient taken from the registered one (TensorFlow's ReluGrad on `tensorflow`).
 *
 * Measured on the seed CNN, batch 128, 2 cores: tensorflow ~53 -> ~48 ms a step, wasm ~2-4% faster.
 * Everything else (no bias, other activations, NCHW, dilations, rank 3) goes to tfjs-core's own op.
 */
import * as tf from '@tensorflow/tfjs';
import type { GradConfig, NamedAttrMap } from '@tensorflow/tfjs';

type FusedConv2dArgs = Parameters<typeof tf.fused.conv2d>[0];
type FusedOps = typeof tf.fused;

/** tfjs-core's module object: tfjs-layers reads `fused` from it at each call. */
const core = require('@tensorflow/tfjs-core') as { fused: FusedOps };

let stock: FusedOps | undefined;

function isUnitDilation(d: FusedConv2dArgs['dilations']): boolean {
  return d === undefined || d === 1 || (Array.isArray(d) && d.every((v) => v === 1));
}

/** Whether this call is one we run fused under the tape (the rest go to tfjs-core's op). */
function fusesHere(args: FusedConv2dArgs): boolean {
  const { x, filter, bias } = args;
  return tf.engine().state.gradientDepth > 0 && args.activation === 'relu' && !args.preluActivationWeights
    && (args.dataFormat ?? 'NHWC') === 'NHWC' && isUnitDilation(args.dilations)
    && x instanceof tf.Tensor && x.rank === 4 && filter instanceof tf.Tensor && filter.rank === 4
    && bias instanceof tf.Tensor && bias.rank === 1;
}

function fusedConv2d<T extends tf.Tensor3D | tf.Tensor4D>(args: Parameters<FusedOps['conv2d']>[0] & { x: T | tf.TensorLike }): T {
  if (!stock) throw new Error('fused convolution used before it was installed');
  if (!fusesHere(args)) return stock.conv2d<T>(args);
  const attrs = { strides: args.strides, pad: args.pad, dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: args.dimRoundingMode, activation: 'relu', leakyreluAlpha: 0 };
  const inputs = { x: args.x as tf.Tensor4D, filter: args.filter as tf.Tensor4D, bias: args.bias as tf.Tensor1D };
  return tf.engine().runKernel(tf.FusedConv2D, inputs, attrs as unknown as NamedAttrMap) as T;
}

/** The gradient of a FusedConv2D with a bias and a relu (the only kind fusedConv2d runs under the tape). */
const fusedConv2dGradient: GradConfig = {
  kernelName: tf.FusedConv2D,
  inputsToSave: ['x', 'filter'],
  outputsToSave: [true],
  gradFunc: (dy, saved, attrs) => {
    const [x, filter, y] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
    const relu = tf.getGradient(tf.Relu);
    if (!relu) throw new Error('no gradient registered for Relu');
    // y > 0 exactly where the relu's input was, so y stands in for it. Computed here, not in a
    // thunk: the tape disposes what each thunk makes once it returns, and all three need it.
    const dyRelu = relu.gradFunc(dy, [y], {}).x() as tf.Tensor4D;
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
 * Makes `tf.fused.conv2d` (what tfjs-layers' conv2d layers call) fuse the bias and relu while
 * training too. Idempotent; returns false (and changes nothing) where tfjs-core's module object
 * cannot be changed or tfjs already registers a FusedConv2D gradient of its own.
 */
export function fuseConvolutionsInTraining(): boolean {
  if (stock) return true;
  const descriptor = Object.getOwnPropertyDescriptor(core, 'fused');
  if (!descriptor?.writable || tf.getGradient(tf.FusedConv2D)) return false;
  stock = core.fused;
  tf.registerGradient(fusedConv2dGradient);
  core.fused = { ...stock, conv2d: fusedConv2d };
  return true;
}

/** Whether fuseConvolutionsInTraining is in effect. */
export function convolutionsFusedInTraining(): boolean {
  return stock !== undefined && core.fused.conv2d === fusedConv2d;
}
