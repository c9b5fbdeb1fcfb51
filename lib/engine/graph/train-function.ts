/**
 * A whole training step of a layers model as one TensorFlow function: the forward pass
 * (lib/engine/graph/layers-to-function.ts, weights read from TensorFlow variables), tfjs-layers'
 * categorical cross-entropy and accuracy, the gradient of every weight, and Adam's update of each
 * (ResourceApplyAdam, on the variables lib/engine/kernels/tensorflow/native-adam.ts keeps). It
 * returns the loss, the accuracy and the updated weights.
 *
 * The loss and its gradient follow tfjs-layers' formula, not a shortcut: the probabilities are
 * divided by their sum and clipped to [1e-7, 1 - 1e-7] before the log, and the clip's gradient is
 * zero outside that range (inclusive inside), as tfjs's is; so a step here matches an op-by-op
 * step to float32 rounding. Covered: chains of Conv2D, MaxPooling2D, Flatten and Dense layers with
 * relu or no activation, and a softmax at the end (a Dense layer's or an Activation layer's).
 */
import type * as tf from '@tensorflow/tfjs';
import type { TranslatedModel } from './function-backend';
import { DT_BOOL, DT_FLOAT, DT_INT32, type AttrValue } from './function-def';
import { Builder, refuse, translateChain, unlessRefused, type Step } from './layers-to-function';


/** Arguments after x and y: 1 / batch size, then ResourceApplyAdam's six scalars. */
export const STEP_SCALARS = ['inv_n', 'beta1_power', 'beta2_power', 'lr', 'beta1', 'beta2', 'epsilon'] as const;

const T: AttrValue = { type: DT_FLOAT };
/** An int32 type attribute (axes, shapes, class indices). */
const INT32: AttrValue = { type: DT_INT32 };

/** Adds nodes with generated names; each returns its output's name. */
class Nodes {
  private count = 0;
  constructor(private readonly b: Builder) {}

  add(op: string, output: string, input: string[], attr: Record<string, AttrValue> = { T }): string {
    const name = `g${this.count++}_${op}`;
    this.b.nodes.push({ name, op, input, attr });
    return `${name}:${output}:0`;
  }

  floatConst(value: number): string {
    return this.b.constant(`g${this.count++}_const`, [value], DT_FLOAT);
  }

  intConst(values: number[]): string {
    return this.b.constant(`g${this.count++}_const`, values);
  }

  intScalar(value: number): string {
    const name = `g${this.count++}_const`;
    this.b.nodes.push({ name, op: 'Const', input: [], attr: { dtype: INT32, value: { tensor: { dtype: DT_INT32, shape: [], int32: [value] } } } });
    return `${name}:output:0`;
  }

  /** Sum over the last axis, kept as an axis of one (as tfjs's sum(x, -1, true)). */
  sumLast(x: string, keep: boolean): string {
    return this.add('Sum', 'output', [x, this.intConst([-1])], { T, Tidx: INT32, keep_dims: { b: keep } });
  }

  mean0(x: string): string {
    return this.add('Mean', 'output', [x, this.intConst([0])], { T, Tidx: INT32, keep_dims: { b: false } });
  }

  argMax(x: string): string {
    return this.add('ArgMax', 'output', [x, this.intScalar(-1)], { T, Tidx: INT32, output_type: { type: DT_INT32 } });
  }

  toFloat(x: string, from: number): string {
    return this.add('Cast', 'y', [x], { SrcT: { type: from }, DstT: T, Truncate: { b: false } });
  }
}

/** The index of the step whose output is the logits of the final softmax. */
function logitsStepOf(steps: Step[], output: string): number {
  const last = steps[steps.length - 1];
  if (last?.kind === 'product' && last.activation === 'softmax') return steps.length - 1;
  const before = steps[steps.length - 2];
  if (last?.kind === 'activation' && last.activation === 'softmax' && last.output === output && before?.kind === 'product' && before.activation === 'linear') {
    return steps.length - 2;
  }
  return refuse('no softmax at the end');
}

/**
 * Translates a training step of `model` (compiled with categorical cross-entropy) into the function
 * `name`, or returns why it cannot. Arguments: x, y (one-hot), STEP_SCALARS, then per weight its
 * variable, first moment and second moment (`v0`, `m0`, `s0`, ...). Outputs: loss, accuracy, and
 * each weight after the step (`w0`, ...).
 */
export function trainFunction(model: tf.LayersModel, name: string): TranslatedModel | { refused: string } {
  return unlessRefused(() => {
    const b = new Builder(true);
    translateChain(model, b);
    const steps = b.steps;
    const logitsStep = logitsStepOf(steps, b.value);
    const n = new Nodes(b);
    const p = b.value;

    // tfjs-layers' categoricalCrossentropy: q = p / sum(p); clip to [eps, 1 - eps]; -sum(y log q).
    const sum = n.sumLast(p, true);
    const q = n.add('RealDiv', 'z', [p, sum]);
    const low = n.floatConst(1e-7);
    const high = n.floatConst(1 - 1e-7);
    const clipped = n.add('ClipByValue', 'output', [q, low, high]);
    const perExample = n.add('Neg', 'y', [n.sumLast(n.add('Mul', 'z', ['y', n.add('Log', 'y', [clipped])]), false)]);
    const loss = n.mean0(perExample);
    const accuracy = n.mean0(n.toFloat(n.add('Equal', 'z', [n.argMax('y'), n.argMax(p)], { T: INT32, incompatible_shape_error: { b: true } }), DT_BOOL));

    // Its gradient with respect to the logits, step by step as tfjs's tape takes it.
    const inRange = n.add('LogicalAnd', 'z', [n.add('GreaterEqual', 'z', [q, low]), n.add('LessEqual', 'z', [q, high])], {});
    const dClipped = n.add('Neg', 'y', [n.add('Mul', 'z', [n.add('RealDiv', 'z', ['y', clipped]), 'inv_n'])]);
    const dq = n.add('Mul', 'z', [dClipped, n.toFloat(inRange, DT_BOOL)]);
    const dp = n.add('RealDiv', 'z', [n.add('Sub', 'z', [dq, n.sumLast(n.add('Mul', 'z', [dq, q]), true)]), sum]);
    let grad = n.add('Mul', 'z', [p, n.add('Sub', 'z', [dp, n.sumLast(n.add('Mul', 'z', [dp, p]), true)])]);

    const weightGrads: string[] = [];
    for (let i = logitsStep; i >= 0; i--) {
      const step = steps[i];
      const first = i === 0;
      switch (step.kind) {
        case 'product': {
          if (i !== logitsStep) {
            if (step.activation === 'relu') grad = n.add('ReluGrad', 'backprops', [grad, step.fused]);
            else if (step.activation !== 'linear') refuse(`activation ${step.activation} in training`);
          }
          const kernel = b.weightValues[step.kernel];
          if (step.op === 'Conv2D') {
            const shape = b.weights[step.kernel].shape as number[];
            weightGrads[step.kernel] = n.add('Conv2DBackpropFilter', 'output', [step.input, n.intConst(shape), grad], { T, ...step.attr });
          } else {
            weightGrads[step.kernel] = n.add('MatMul', 'product', [step.input, grad], { T, transpose_a: { b: true }, transpose_b: { b: false } });
          }
          if (step.bias !== undefined) weightGrads[step.bias] = n.add('BiasAddGrad', 'output', [grad], { T, data_format: { s: 'NHWC' } });
          if (!first) {
            grad = step.op === 'Conv2D'
              ? n.add('Conv2DBackpropInput', 'output', [n.add('Shape', 'output', [step.input], { T, out_type: INT32 }), kernel, grad], { T, ...step.attr })
              : n.add('MatMul', 'product', [grad, kernel], { T, transpose_a: { b: false }, transpose_b: { b: true } });
          }
          break;
        }
        case 'pool':
          if (step.op !== 'MaxPool') refuse(`${step.op} in training`);
          grad = n.add('MaxPoolGrad', 'output', [step.input, step.output, grad], step.attr);
          break;
        case 'flatten':
          grad = n.add('Reshape', 'output', [grad, n.intConst([-1, ...step.shape])], { T, Tshape: INT32 });
          break;
        case 'activation':
          if (step.activation === 'relu') grad = n.add('ReluGrad', 'backprops', [grad, step.output]);
          else if (step.activation !== 'linear') refuse(`activation ${step.activation} in training`);
          break;
        default:
          refuse(`${step.layer} in training`);
      }
    }

    const outputs: Record<string, string> = { loss, accuracy };
    b.weights.forEach((_, i) => {
      const apply = `adam${i}`;
      b.nodes.push({
        name: apply, op: 'ResourceApplyAdam',
        input: [`v${i}`, `m${i}`, `s${i}`, 'beta1_power', 'beta2_power', 'lr', 'beta1', 'beta2', 'epsilon', weightGrads[i]],
        attr: { T, use_locking: { b: false }, use_nesterov: { b: false } },
      });
      b.nodes.push({ name: `after${i}`, op: 'ReadVariableOp', input: [`v${i}`, `^${apply}`], attr: { dtype: T } });
      outputs[`w${i}`] = `after${i}:value:0`;
    });
    const perWeight = b.weights.flatMap((_, i) => [`v${i}`, `m${i}`, `s${i}`]);
    return {
      spec: { name, inputs: ['x', 'y', ...STEP_SCALARS, ...perWeight], resources: perWeight, outputs, nodes: b.nodes },
      weights: b.weights,
    };
  });
}
