/**
 * Adam in one TensorFlow op per weight on the `tensorflow` backend.
 *
 * tfjs's AdamOptimizer updates each weight with about a dozen elementwise ops (the two moments,
 * their bias corrections, the square root, the step), each a pass over the weight and a trip
 * through tfjs-node's binding: on the reference CNN about 150 eager ops and 5 ms of a 45 ms
 * training step, most of it the 590,000-weight dense kernel. TensorFlow's ResourceApplyAdam does
 * the same update in one pass, in place, on resource variables. Here the moments
 * live in such variables (anonymous ones, freed with their handles), the weight is read back into
 * the tfjs variable after each step, and the stock optimizer's fields are filled in again whenever
 * something asks for them (getWeights, a step on another backend), so saving, resuming and
 * switching backends see the usual Adam.
 *
 * The update is tfjs's, not Keras': tfjs adds epsilon to the bias-corrected root of the second
 * moment, TensorFlow to the raw root, so epsilon is passed scaled by sqrt(1 - beta2^t), which
 * makes the two formulas the same. The sums run in another order, so weights agree with the
 * stock optimizer to float32 rounding, not bit for bit.
 */
import * as tf from '@tensorflow/tfjs';
import type { NativeBackend as KernelBackend, NativeOpAttr as OpAttr } from './native-op';

type NamedTensor = { name: string; tensor: tf.Tensor };

/** tfjs-node's backend, as far as this file calls it (more than the kernels do). */
interface NativeBackend extends KernelBackend {
  binding: KernelBackend['binding'] & { TF_ATTR_SHAPE: number; TF_ATTR_BOOL: number };
  executeMultipleOutputs(name: string, attrs: OpAttr[], inputs: tf.TensorInfo[], numOutputs: number): tf.Tensor[];
  getInputTensorIds(inputs: tf.TensorInfo[]): number[];
}

/** tfjs-node's binding below the backend: what reads a variable whatever backend is active. */
interface BindingCalls {
  executeOp(name: string, attrs: OpAttr[], inputIds: number[], numOutputs: number): Array<{ id: number }>;
  tensorDataSync(id: number): Float32Array;
  deleteTensor(id: number): void;
}

/** The fields of tfjs's AdamOptimizer this file reads and writes (all but the rates are private there). */
interface StockAdam {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: Array<{ originalName: string; variable: tf.Variable } | undefined>;
  accumulatedSecondMoment: Array<{ originalName: string; variable: tf.Variable } | undefined>;
  readonly iterations: number;
  incrementIterations(): void;
}

type Gradients = Record<string, tf.Tensor> | NamedTensor[];

interface StockMethods {
  applyGradients(this: StockAdam, gradients: Gradients): void;
  getWeights(this: StockAdam): Promise<NamedTensor[]>;
  setWeights(this: StockAdam, weights: NamedTensor[]): Promise<void>;
  dispose(this: StockAdam): void;
}

/** One weight's TensorFlow variables; `synced` is the tfjs data the weight variable holds a copy of. */
interface Slot {
  name: string;
  shape: number[];
  weight: tf.Tensor;
  m: tf.Tensor;
  v: tf.Tensor;
  synced: object | null;
}

/** TensorFlow's name for a variable owned by its handle (ResourceHandle::ANONYMOUS_NAME). */
const ANONYMOUS = 'cd2c89b7-88b7-44c8-ad83-06c2a9158347';

/** Each optimizer's variables on TensorFlow, while it holds its moments there. */
const slots = new WeakMap<StockAdam, Slot[]>();
let stock: StockMethods | undefined;
/** On unless DIGIT_LAB_FUSED_ADAM=0 (to compare with tfjs's own Adam, or to rule this out). */
let enabled = process.env.DIGIT_LAB_FUSED_ADAM !== '0';
/** Whether TensorFlow ran the ops; false after a failed probe, so a backend without them pays once. */
let opsWork: boolean | undefined;

function adamPrototype(): StockMethods {
  return tf.AdamOptimizer.prototype as unknown as StockMethods;
}

/** tfjs-node's backend when it is the active one (or, with `active` false, whenever it is registered). */
function nativeBackend(active = true): NativeBackend | undefined {
  if (active && tf.getBackend() !== 'tensorflow') return undefined;
  const b = (active ? tf.backend() : tf.findBackend('tensorflow')) as unknown as Partial<NativeBackend> | null;
  return b && typeof b.executeMultipleOutputs === 'function' && typeof b.binding?.TF_ATTR_SHAPE === 'number' ? (b as NativeBackend) : undefined;
}

function dtypeAttr(be: NativeBackend, name: string): OpAttr {
  return { name, type: be.binding.TF_ATTR_TYPE, value: be.binding.TF_FLOAT };
}

function newVariable(be: NativeBackend, shape: readonly number[]): tf.Tensor {
  const s = be.binding;
  return be.executeSingleOutput('VarHandleOp', [dtypeAttr(be, 'dtype'), { name: 'shape', type: s.TF_ATTR_SHAPE, value: [...shape] },
    { name: 'container', type: s.TF_ATTR_STRING, value: '' }, { name: 'shared_name', type: s.TF_ATTR_STRING, value: ANONYMOUS }], []);
}

function assignVariable(be: NativeBackend, handle: tf.Tensor, value: tf.TensorInfo): void {
  be.executeMultipleOutputs('AssignVariableOp', [dtypeAttr(be, 'dtype'), { name: 'validate_shape', type: be.binding.TF_ATTR_BOOL, value: false }], [handle, value], 0);
}

function readVariable(be: NativeBackend, handle: tf.Tensor): tf.Tensor {
  return be.executeSingleOutput('ReadVariableOp', [dtypeAttr(be, 'dtype')], [handle]);
}

/**
 * A variable's values as a tensor of the active backend, whichever it is: read below tfjs-node's
 * backend, whose tensors the engine would otherwise book to the active one.
 */
function copyOut(be: NativeBackend, handle: tf.Tensor, shape: number[]): tf.Tensor {
  const binding = be.binding as unknown as BindingCalls;
  const [out] = binding.executeOp('ReadVariableOp', [dtypeAttr(be, 'dtype')], be.getInputTensorIds([handle]), 1);
  try {
    return tf.tensor(binding.tensorDataSync(out.id), shape, 'float32');
  } finally {
    binding.deleteTensor(out.id);
  }
}

/** The scalars ResourceApplyAdam takes for step `t` (1-based), in its input order after m and v. */
function stepScalars(opt: StockAdam, t: number): tf.Scalar[] {
  const b2t = opt.beta2 ** t;
  return [opt.beta1 ** t, b2t, opt.learningRate, opt.beta1, opt.beta2, opt.epsilon * Math.sqrt(1 - b2t)].map((x) => tf.scalar(x));
}

function applyAdam(be: NativeBackend, slot: Slot, scalars: tf.Scalar[], gradient: tf.Tensor): void {
  const s = be.binding;
  be.executeMultipleOutputs('ResourceApplyAdam', [dtypeAttr(be, 'T'), { name: 'use_locking', type: s.TF_ATTR_BOOL, value: false },
    { name: 'use_nesterov', type: s.TF_ATTR_BOOL, value: false }], [slot.weight, slot.m, slot.v, ...scalars, gradient], 0);
}

/** Whether this TensorFlow runs the ops (a one-weight step checked against the formula). */
function probe(be: NativeBackend): boolean {
  if (opsWork !== undefined) return opsWork;
  try {
    opsWork = tf.tidy(() => {
      const [w, m, v] = [0, 1, 2].map(() => newVariable(be, [1]));
      for (const h of [w, m, v]) assignVariable(be, h, tf.zeros([1]));
      const opt = { learningRate: 0.5, beta1: 0.9, beta2: 0.999, epsilon: 0 } as StockAdam;
      applyAdam(be, { name: 'probe', shape: [1], weight: w, m, v, synced: null }, stepScalars(opt, 1), tf.tensor1d([2]));
      // A first Adam step moves a weight by the learning rate against its gradient's sign.
      return Math.abs(readVariable(be, w).dataSync()[0] + 0.5) < 1e-6;
    });
  } catch {
    opsWork = false;
  }
  return opsWork;
}

/** Takes over the stock optimizer's moments (or zeros), so a run can move here part way through. */
function makeSlots(be: NativeBackend, opt: StockAdam, names: string[]): Slot[] {
  return names.map((name, i) => {
    const variable = tf.engine().registeredVariables[name];
    // Kept: the step may run inside a caller's tidy (tfjs-layers' train function is one).
    const [weight, m, v] = [0, 1, 2].map(() => tf.keep(newVariable(be, variable.shape)));
    const slot: Slot = { name, shape: [...variable.shape], weight, m, v, synced: null };
    const moments = [opt.accumulatedFirstMoment[i], opt.accumulatedSecondMoment[i]];
    tf.tidy(() => moments.forEach((held, k) => assignVariable(be, k === 0 ? slot.m : slot.v, held ? held.variable : tf.zerosLike(variable))));
    moments.forEach((held) => held?.variable.dispose());
    return slot;
  });
}

function disposeSlots(opt: StockAdam): void {
  const held = slots.get(opt);
  if (!held) return;
  held.forEach((s) => tf.dispose([s.weight, s.m, s.v]));
  slots.delete(opt);
}

/** Puts the moments back into the stock optimizer's fields (and frees the TensorFlow variables). */
function handBack(opt: StockAdam): void {
  const held = slots.get(opt);
  if (!held) return;
  const be = nativeBackend(false);
  if (!be) throw new Error('Adam: its moments are held by the tensorflow backend, which is no longer registered');
  const trainable = false;
  held.forEach((s, i) => {
    opt.accumulatedFirstMoment[i] = { originalName: `${s.name}/m`, variable: tf.tidy(() => copyOut(be, s.m, s.shape).variable(trainable)) };
    opt.accumulatedSecondMoment[i] = { originalName: `${s.name}/v`, variable: tf.tidy(() => copyOut(be, s.v, s.shape).variable(trainable)) };
  });
  const steps = opt.iterations;
  tf.tidy(() => {
    opt.accBeta1.assign(tf.scalar(opt.beta1 ** (steps + 1)));
    opt.accBeta2.assign(tf.scalar(opt.beta2 ** (steps + 1)));
  });
  disposeSlots(opt);
}

/** `opt`'s variables for the weights `names`, in that order, made (or made again) as needed. */
function slotsFor(be: NativeBackend, opt: StockAdam, names: string[]): Slot[] {
  let held = slots.get(opt);
  if (!held || held.length !== names.length || held.some((s, i) => s.name !== names[i])) {
    handBack(opt);
    held = makeSlots(be, opt, names);
    slots.set(opt, held);
    opt.accumulatedFirstMoment = [];
    opt.accumulatedSecondMoment = [];
  }
  return held;
}

/** Copies a weight into its TensorFlow variable if it changed outside the optimizer (setWeights, a restored checkpoint). */
function syncIn(be: NativeBackend, slot: Slot): tf.Variable {
  const variable = tf.engine().registeredVariables[slot.name];
  if (slot.synced !== variable.dataId) assignVariable(be, slot.weight, variable);
  return variable;
}

function fusedStep(be: NativeBackend, opt: StockAdam, gradients: Gradients): void {
  const names = Array.isArray(gradients) ? gradients.map((g) => g.name) : Object.keys(gradients);
  const held = slotsFor(be, opt, names);
  const t = opt.iterations + 1;
  tf.tidy(() => {
    const scalars = stepScalars(opt, t);
    held.forEach((slot, i) => {
      const gradient = Array.isArray(gradients) ? gradients[i].tensor : gradients[slot.name];
      if (gradient == null) return;
      const variable = syncIn(be, slot);
      applyAdam(be, slot, scalars, gradient);
      variable.assign(readVariable(be, slot.weight));
      slot.synced = variable.dataId;
    });
  });
  opt.incrementIterations();
}

/**
 * Whether `optimizer` is a tfjs Adam. Not `instanceof`: tfjs-core makes every optimizer an
 * instance of every optimizer class (its Symbol.hasInstance only checks for the methods).
 */
export function isAdam(optimizer: unknown): optimizer is tf.AdamOptimizer {
  return Object.prototype.isPrototypeOf.call(tf.AdamOptimizer.prototype, optimizer as object);
}

/** One Adam step run elsewhere on TensorFlow's variables (see adamStepVariables). */
export interface AdamStepVariables {
  /** Per weight: its TensorFlow variable, then the first and second moments' (resource handles). */
  handles: tf.Tensor[];
  /** ResourceApplyAdam's scalars for this step: beta1^t, beta2^t, rate, beta1, beta2, epsilon. */
  scalars: tf.Scalar[];
  /** Takes the stepped weights (in `names` order; it disposes them) and counts the step. */
  finish(weights: tf.Tensor[]): void;
}

/**
 * For a training step that applies Adam itself, inside one TensorFlow function
 * (lib/engine/graph/train-step.ts): `optimizer`'s variables for the weights `names`, each weight's
 * current value copied in, and the step's scalars; the step shares the moments this file keeps,
 * so it can alternate with ordinary steps, getWeights and the rest. Undefined where Adam does not
 * run on TensorFlow (not an Adam optimizer, another backend, DIGIT_LAB_FUSED_ADAM=0, no such ops).
 */
export function adamStepVariables(optimizer: tf.Optimizer, names: string[]): AdamStepVariables | undefined {
  const be = enabled && isAdam(optimizer) && adamPrototype().applyGradients === fused.applyGradients ? nativeBackend() : undefined;
  if (!be || !probe(be)) return undefined;
  const opt = optimizer as unknown as StockAdam;
  const held = slotsFor(be, opt, names);
  held.forEach((slot) => syncIn(be, slot));
  const scalars = stepScalars(opt, opt.iterations + 1);
  return {
    handles: held.flatMap((slot) => [slot.weight, slot.m, slot.v]),
    scalars,
    finish(weights) {
      held.forEach((slot, i) => {
        const variable = tf.engine().registeredVariables[slot.name];
        variable.assign(weights[i]);
        slot.synced = variable.dataId;
      });
      tf.dispose([...weights, ...scalars]);
      opt.incrementIterations();
    },
  };
}

const fused: StockMethods = {
  applyGradients(gradients) {
    const be = enabled ? nativeBackend() : undefined;
    if (be && probe(be)) fusedStep(be, this, gradients);
    else {
      handBack(this);
      stock!.applyGradients.call(this, gradients);
    }
  },
  async getWeights() {
    handBack(this);
    return stock!.getWeights.call(this);
  },
  async setWeights(weights) {
    disposeSlots(this);
    return stock!.setWeights.call(this, weights);
  },
  dispose() {
    disposeSlots(this);
    stock!.dispose.call(this);
  },
};

/**
 * Makes every tfjs Adam optimizer step with ResourceApplyAdam while the backend is `tensorflow`
 * (other backends keep tfjs's own update). `false` turns it off (each optimizer's moments go back
 * to tfjs on its next use), `true` on again; without an argument it installs and leaves the choice
 * as it was (on at first). Idempotent; returns false, changing nothing, where tfjs's AdamOptimizer
 * lacks the methods replaced.
 */
export function fuseAdamOnTensorflow(on?: boolean): boolean {
  if (!stock) {
    const proto = adamPrototype();
    if (!(['applyGradients', 'getWeights', 'setWeights', 'dispose'] as const).every((k) => typeof proto[k] === 'function')) return false;
    stock = { applyGradients: proto.applyGradients, getWeights: proto.getWeights, setWeights: proto.setWeights, dispose: proto.dispose };
    Object.assign(proto, fused);
  }
  if (on !== undefined) enabled = on;
  return true;
}

/** Whether fuseAdamOnTensorflow is in effect and TensorFlow has run (or would run) its ops. */
export function adamFusedOnTensorflow(): boolean {
  return enabled && adamPrototype().applyGradients === fused.applyGradients && opsWork !== false;
}
