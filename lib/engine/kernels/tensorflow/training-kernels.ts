/**
 * Faster versions of the tfjs-node 4.22 kernels that dominated a training step of the seed CNN on
 * the `tensorflow` backend (batch 128, 2 cores, quiet machine: ~95 ms a step with tfjs-node's
 * kernels, ~54 ms with these; inference at batch 512 ~1.2x faster, ~1.45x with a binding that
 * takes list attributes):
 *
 * - Step (the relu gradient's mask): tfjs-node builds it from IsNan, Greater, two Fills and two
 *   Selects, seven passes over a [128, 26, 26, 64] tensor (~25 ms). For alpha 0, Sign(Relu(x))
 *   gives the same values (NaN stays NaN, x > 0 gives 1, everything else 0) in two passes.
 * - MaxPool and MaxPoolGrad: TensorFlow's own MaxPoolGrad CPU kernel takes 13-40 ms at
 *   [128, 26, 26, 64]; Keras never runs it, because its graph rewrite swaps in oneDNN's pooling,
 *   which keeps a workspace. Eager ops get no such rewrite, so we name oneDNN's ops ourselves
 *   (with the `_kernel` label the rewrite would set). A pool run while gradients are recorded
 *   keeps its workspace for the gradient (1.1 ms instead of 3.2 ms with the forward pass run
 *   again, which is what happens when none was kept); oneDNN's forward pass is also faster than
 *   tfjs-node's (1.3 against 1.8 ms; 3.8 against 5-6 ms at [512, 12, 12, 128] for inference). The
 *   gradient is routed exactly as MaxPoolGrad routes it, ties included.
 * - FusedConv2D (inference, and training through lib/engine/fused-training.ts): oneDNN's
 *   convolution with the bias fused, and the relu too where the binding takes list attributes.
 * - Add of a bias vector along the last axis: TensorFlow's BiasAdd instead of AddV2's generic
 *   broadcast (same sums, element by element).
 * - Sum over every axis but the last (a bias gradient): TensorFlow's BiasAddGrad, ~3x faster than
 *   its generic Sum here. The only replacement whose numbers differ from tfjs-node's: the same
 *   float32 sums in another order (drop it from REPLACEMENTS to stay bit-identical).
 * - Relu's gradient: tfjs writes it as dy * step(x), three passes (Relu, Sign, Mul even with the
 *   Step above); TensorFlow's ReluGrad is one. Gradients are registered per kernel, not per
 *   backend, so the replacement keeps tfjs's own formula for every other backend. The values are
 *   the same for finite numbers (ReluGrad gives 0 where dy * 0 would give NaN or -0).
 *
 * Each falls back to tfjs-node's kernel for what it does not cover, and for good if TensorFlow
 * lacks the oneDNN ops (a build without oneDNN).
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';

interface OpAttr {
  name: string;
  type: number;
  value: string | number | boolean | number[] | string[];
}

/** tfjs-node's backend, as far as these kernels call it. */
interface NativeBackend {
  binding: { TF_FLOAT: number; TF_ATTR_STRING: number; TF_ATTR_INT: number; TF_ATTR_TYPE: number; TF_ATTR_BOOL: number };
  executeSingleOutput(name: string, attrs: OpAttr[], inputs: TensorInfo[]): tf.Tensor;
  executeMultipleOutputs(name: string, attrs: OpAttr[], inputs: TensorInfo[], numOutputs: number): tf.Tensor[];
}

/** Makes oneDNN's `_MklNative*` kernels match an op built outside the graph rewrite. */
const ONEDNN_LABEL = (b: NativeBackend['binding']): OpAttr => ({ name: '_kernel', type: b.TF_ATTR_STRING, value: 'MklNameChangeOp' });

/** Whether oneDNN's ops ran here; false after the first failure, so a build without them pays once. */
let oneDnnWorks = true;

/**
 * Whether the binding takes list attributes (tfjs-node 4.22's takes one string or type per
 * attribute; a patched one takes arrays), which oneDNN's fully fused convolution needs for its
 * `fused_ops`. Without them the relu runs as a pass of its own.
 */
let fusedOpsWork = true;

/** Whether the oneDNN paths are in use (false once TensorFlow turned them down). */
export function oneDnnKernelsInUse(): boolean {
  return oneDnnWorks;
}

/** Whether oneDNN's fully fused convolution (bias and relu) runs: needs a binding that takes list attributes. */
export function fusedConvolutionInUse(): boolean {
  return oneDnnWorks && fusedOpsWork;
}

function floatType(b: NativeBackend['binding']): OpAttr {
  return { name: 'T', type: b.TF_ATTR_TYPE, value: b.TF_FLOAT };
}

function withOneDnn(fallback: () => TensorInfo | TensorInfo[], run: () => TensorInfo): TensorInfo | TensorInfo[] {
  if (!oneDnnWorks) return fallback();
  try {
    return run();
  } catch {
    oneDnnWorks = false;
    return fallback();
  }
}

const step = (original: KernelFunc): KernelFunc => (args) => {
  const { x } = args.inputs as { x: TensorInfo };
  const alpha = (args.attrs as { alpha?: number }).alpha ?? 0;
  if (alpha !== 0 || x.dtype !== 'float32') return original(args);
  const native = args.backend as unknown as NativeBackend;
  const T = [floatType(native.binding)];
  const relu = native.executeSingleOutput('Relu', T, [x]);
  try {
    return native.executeSingleOutput('Sign', T, [relu]);
  } finally {
    relu.dispose();
  }
};

/** oneDNN's attributes for a max pool, or undefined for what its ops do not cover. */
function poolAttrs(b: NativeBackend['binding'], input: TensorInfo, attrs: tf.MaxPoolAttrs): OpAttr[] | undefined {
  const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  const padding = info.padInfo.type;
  if (input.dtype !== 'float32' || (padding !== 'VALID' && padding !== 'SAME')) return undefined;
  return [
    floatType(b),
    { name: 'ksize', type: b.TF_ATTR_INT, value: [1, info.filterHeight, info.filterWidth, 1] },
    { name: 'strides', type: b.TF_ATTR_INT, value: [1, info.strideHeight, info.strideWidth, 1] },
    { name: 'padding', type: b.TF_ATTR_STRING, value: padding },
    { name: 'data_format', type: b.TF_ATTR_STRING, value: 'NHWC' },
    ONEDNN_LABEL(b),
  ];
}

/**
 * The workspaces of oneDNN max pools run while gradients were recorded, by the data id of the
 * pool's output (which MaxPoolGrad is given back), so the gradient need not run the pool again.
 */
const poolWorkspaces = new Map<object, tf.Tensor>();

/** Disposes the workspaces whose pool output is gone (its gradient was never asked for). */
function sweepPoolWorkspaces(backend: tf.KernelBackend): void {
  for (const [dataId, workspace] of poolWorkspaces) {
    if (backend.refCount(dataId) === 0) {
      workspace.dispose();
      poolWorkspaces.delete(dataId);
    }
  }
}

/** How many pool workspaces are held for gradients not yet taken (for tests). */
export function heldPoolWorkspaces(): number {
  return poolWorkspaces.size;
}

const maxPool = (original: KernelFunc): KernelFunc => (args) => {
  const { x } = args.inputs as { x: TensorInfo };
  if (!oneDnnWorks) return original(args);
  const native = args.backend as unknown as NativeBackend;
  const attrs = poolAttrs(native.binding, x, args.attrs as unknown as tf.MaxPoolAttrs);
  if (!attrs) return original(args);
  const recording = tf.engine().state.gradientDepth > 0;
  if (recording) sweepPoolWorkspaces(args.backend as unknown as tf.KernelBackend);
  return withOneDnn(() => original(args), () => {
    const [output, workspace] = native.executeMultipleOutputs('_MklNativeMaxPool', attrs, [x], 2);
    if (recording) poolWorkspaces.set(output.dataId, tf.keep(workspace));
    else workspace.dispose();
    return output;
  });
};

const maxPoolGrad = (original: KernelFunc): KernelFunc => (args) => {
  const { dy, input, output } = args.inputs as { dy: TensorInfo; input: TensorInfo; output: TensorInfo };
  const native = args.backend as unknown as NativeBackend;
  const attrs = poolAttrs(native.binding, input, args.attrs as unknown as tf.MaxPoolAttrs);
  if (!attrs) return original(args);
  const kept = poolWorkspaces.get(output.dataId);
  if (kept) {
    poolWorkspaces.delete(output.dataId);
    try {
      return native.executeSingleOutput('_MklNativeMaxPoolGrad', attrs, [input, output, dy, kept]);
    } finally {
      kept.dispose();
    }
  }
  return withOneDnn(() => original(args), () => {
    // The workspace (where each window's maximum was) exists only from oneDNN's own forward pass.
    const [recomputed, workspace] = native.executeMultipleOutputs('_MklNativeMaxPool', attrs, [input], 2);
    try {
      return native.executeSingleOutput('_MklNativeMaxPoolGrad', attrs, [input, recomputed, dy, workspace]);
    } finally {
      recomputed.dispose();
      workspace.dispose();
    }
  });
};

const fusedConv2d = (original: KernelFunc): KernelFunc => (args) => {
  const { x, filter, bias, preluActivationWeights } = args.inputs as { x: TensorInfo; filter: TensorInfo; bias?: TensorInfo; preluActivationWeights?: TensorInfo };
  const attrs = args.attrs as unknown as tf.FusedConv2DAttrs;
  const activation = attrs.activation ?? 'linear';
  if (!bias || preluActivationWeights || (activation !== 'relu' && activation !== 'linear') || attrs.dataFormat !== 'NHWC' || x.dtype !== 'float32') {
    return original(args);
  }
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filter.shape as [number, number, number, number],
    attrs.strides, attrs.dilations, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast',
  );
  const padding = info.padInfo.type;
  if (padding !== 'VALID' && padding !== 'SAME') return original(args);
  const native = args.backend as unknown as NativeBackend;
  const b = native.binding;
  const opAttrs: OpAttr[] = [
    floatType(b),
    { name: 'strides', type: b.TF_ATTR_INT, value: [1, info.strideHeight, info.strideWidth, 1] },
    { name: 'padding', type: b.TF_ATTR_STRING, value: padding },
    { name: 'data_format', type: b.TF_ATTR_STRING, value: 'NHWC' },
    { name: 'dilations', type: b.TF_ATTR_INT, value: [1, info.dilationHeight, info.dilationWidth, 1] },
    ONEDNN_LABEL(b),
  ];
  return withOneDnn(() => original(args), () => {
    if (fusedOpsWork) {
      try {
        const fused: OpAttr[] = [
          ...opAttrs,
          { name: 'TArgs', type: b.TF_ATTR_TYPE, value: [b.TF_FLOAT] },
          { name: 'num_args', type: b.TF_ATTR_INT, value: 1 },
          { name: 'fused_ops', type: b.TF_ATTR_STRING, value: activation === 'relu' ? ['BiasAdd', 'Relu'] : ['BiasAdd'] },
        ];
        return native.executeSingleOutput('_MklNativeFusedConv2D', fused, [x, filter, bias]);
      } catch {
        fusedOpsWork = false;
      }
    }
    const out = native.executeSingleOutput('_MklNativeConv2DWithBias', opAttrs, [x, filter, bias]);
    if (activation === 'linear') return out;
    try {
      return native.executeSingleOutput('Relu', [floatType(b)], [out]);
    } finally {
      out.dispose();
    }
  });
};

/**
 * A dense layer's product, bias (if any) and relu (or none) on 2-D tensors: our tensorflow-only
 * kernel, to which lib/engine/fused-training.ts sends dense layers; oneDNN's fused product as one
 * op. tfjs's route is seven ops (two reshapes to batches of one matrix, BatchMatMul, Add, Relu, a reshape
 * back, and tfjs-core's gradient wrapper), 0.4 ms more than the product itself for the reference
 * CNN's first dense layer at batch 512, about 1 ms of a 40 ms inference batch over its four.
 */
export const DENSE_KERNEL = 'DigitLabDense';

/** The attributes of DENSE_KERNEL. */
export interface DenseAttrs {
  activation: 'relu' | 'linear';
}

const denseConfig: KernelConfig = {
  kernelName: DENSE_KERNEL,
  backendName: 'tensorflow',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const { a, b, bias } = inputs as { a: TensorInfo; b: TensorInfo; bias?: TensorInfo };
    const { activation } = attrs as unknown as DenseAttrs;
    const native = backend as unknown as NativeBackend;
    const bind = native.binding;
    const noTranspose: OpAttr[] = [
      { name: 'transpose_a', type: bind.TF_ATTR_BOOL, value: false },
      { name: 'transpose_b', type: bind.TF_ATTR_BOOL, value: false },
    ];
    // Each step's input is freed once the next has run (the caller's a, b and bias are not ours).
    const then = (x: tf.Tensor, op: string, attrs: OpAttr[], more: TensorInfo[]): tf.Tensor => {
      try {
        return native.executeSingleOutput(op, attrs, [x, ...more]);
      } finally {
        x.dispose();
      }
    };
    const plain = (): TensorInfo => {
      let y = native.executeSingleOutput('MatMul', [floatType(bind), ...noTranspose], [a, b]);
      if (bias) y = then(y, 'BiasAdd', [floatType(bind), { name: 'data_format', type: bind.TF_ATTR_STRING, value: 'NHWC' }], [bias]);
      return activation === 'relu' ? then(y, 'Relu', [floatType(bind)], []) : y;
    };
    if (!fusedOpsWork || !bias) return plain();
    return withOneDnn(plain, () => native.executeSingleOutput('_MklNativeFusedMatMul', [
      floatType(bind),
      ...noTranspose,
      { name: 'num_args', type: bind.TF_ATTR_INT, value: 1 },
      { name: 'fused_ops', type: bind.TF_ATTR_STRING, value: activation === 'relu' ? ['BiasAdd', 'Relu'] : ['BiasAdd'] },
      ONEDNN_LABEL(bind),
    ], [a, b, bias])) as TensorInfo;
  },
};

const biasAdd = (original: KernelFunc): KernelFunc => (args) => {
  const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
  const rank = a.shape.length;
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || b.shape.length !== 1 || rank < 2 || a.shape[rank - 1] !== b.shape[0]) {
    return original(args);
  }
  const native = args.backend as unknown as NativeBackend;
  const format: OpAttr = { name: 'data_format', type: native.binding.TF_ATTR_STRING, value: 'NHWC' };
  return native.executeSingleOutput('BiasAdd', [floatType(native.binding), format], [a, b]);
};

const biasGradSum = (original: KernelFunc): KernelFunc => (args) => {
  const { x } = args.inputs as { x: TensorInfo };
  const { axis, keepDims } = args.attrs as unknown as tf.SumAttrs;
  const rank = x.shape.length;
  const axes = tf.util.parseAxisParam(axis, x.shape);
  const allButLast = rank >= 2 && axes.length === rank - 1 && !axes.includes(rank - 1) && new Set(axes).size === axes.length;
  if (x.dtype !== 'float32' || keepDims || !allButLast) return original(args);
  const native = args.backend as unknown as NativeBackend;
  const format: OpAttr = { name: 'data_format', type: native.binding.TF_ATTR_STRING, value: 'NHWC' };
  return native.executeSingleOutput('BiasAddGrad', [floatType(native.binding), format], [x]);
};

/** tfjs has no kernel for a relu gradient, so this one is ours, run as TensorFlow's ReluGrad. */
export const RELU_GRAD_KERNEL = 'DigitLabReluGrad';

const reluGradConfig: KernelConfig = {
  kernelName: RELU_GRAD_KERNEL,
  backendName: 'tensorflow',
  kernelFunc: ({ inputs, backend }) => {
    const { dy, x } = inputs as { dy: TensorInfo; x: TensorInfo };
    const native = backend as unknown as NativeBackend;
    return native.executeSingleOutput('ReluGrad', [floatType(native.binding)], [dy, x]);
  },
};

/** Relu's gradient through RELU_GRAD_KERNEL on tensorflow, tfjs's own everywhere else. */
function replaceReluGradient(): void {
  const stock = tf.getGradient(tf.Relu);
  if (!stock) return;
  tf.registerKernel(reluGradConfig);
  tf.registerGradient({
    ...stock,
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      const grad = dy as tf.Tensor;
      if (tf.getBackend() !== 'tensorflow' || x.dtype !== 'float32' || grad.dtype !== 'float32') return stock.gradFunc(dy, saved, attrs);
      return { x: () => tf.engine().runKernel(RELU_GRAD_KERNEL, { dy: grad, x }) as tf.Tensor };
    },
  });
}

const REPLACEMENTS: ReadonlyArray<[string, (original: KernelFunc) => KernelFunc]> = [
  [tf.Step, step],
  [tf.MaxPool, maxPool],
  [tf.MaxPoolGrad, maxPoolGrad],
  [tf.FusedConv2D, fusedConv2d],
  [tf.Add, biasAdd],
  [tf.Sum, biasGradSum],
];

/** Names of the tfjs-node kernels replaced here, and of ours: the one behind Relu's gradient, and the dense layer's. */
export const REPLACED_TENSORFLOW_KERNELS: readonly string[] = [...REPLACEMENTS.map(([name]) => name), RELU_GRAD_KERNEL, DENSE_KERNEL];

let replaced = false;

/**
 * Replaces tfjs-node's kernels with the faster ones (once; tfjs-node must be loaded). Each keeps
 * tfjs-node's kernel for the cases it does not handle.
 */
export function replaceTensorflowTrainingKernels(): string[] {
  if (replaced) return [...REPLACED_TENSORFLOW_KERNELS];
  for (const [name, make] of REPLACEMENTS) {
    const original: KernelConfig | undefined = tf.getKernel(name, 'tensorflow');
    if (!original) continue;
    tf.unregisterKernel(name, 'tensorflow');
    tf.registerKernel({ ...original, kernelFunc: make(original.kernelFunc as KernelFunc) });
  }
  replaceReluGradient();
  tf.registerKernel(denseConfig);
  replaced = true;
  return [...REPLACED_TENSORFLOW_KERNELS];
}
