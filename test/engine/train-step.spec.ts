/**
 * Training steps as one TensorFlow function (lib/engine/graph/train-function.ts, train-step.ts):
 * the translation (everywhere), and on tensorflow, against tfjs-layers' own op-by-op step from the
 * same weights: losses, accuracy and weights over several steps (trainOnBatch and fit), Adam's
 * moments handed back to tfjs, steps mixed with op-by-op ones and with weights set from outside,
 * no tfjs kernel run and no tensor left, and the models, losses, metrics and optimizers it leaves
 * to tfjs-layers, with the reason.
 */
import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import { trainStepReason, trainStepsAsFunctions } from '../../lib/engine';
import { trainFunction } from '../../lib/engine/graph/train-function';
import { compactCnn, seedCnn, tinyCnn } from '../../lib/model/architectures';
import { describeEachBackend } from '../helpers/backends';
import { relativeError } from './helpers';

/** Every training step kind the function covers that the reference CNN does not use. */
function variedModel(seed: number): tf.Sequential {
  const init = (k: number) => tf.initializers.glorotUniform({ seed: seed + k });
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [10, 10, 1], filters: 3, kernelSize: 3, strides: 2, padding: 'same', useBias: false, activation: 'relu', kernelInitializer: init(1) }));
  model.add(tf.layers.conv2d({ filters: 4, kernelSize: 2, activation: 'linear', kernelInitializer: init(2), biasInitializer: tf.initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed }) }));
  model.add(tf.layers.activation({ activation: 'relu' }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2, strides: 1, padding: 'same' }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 7, activation: 'linear', kernelInitializer: init(3) }));
  model.add(tf.layers.dense({ units: 3, useBias: false, kernelInitializer: init(4) }));
  model.add(tf.layers.activation({ activation: 'softmax' }));
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

function ops(model: tf.LayersModel): string[] {
  const fn = trainFunction(model, 'f');
  assert.ok(!('refused' in fn), 'refused' in fn ? fn.refused : '');
  return fn.spec.nodes.map((n) => n.op);
}

const count = (list: string[], op: string) => list.filter((o) => o === op).length;

describe('engine: a training step as one TensorFlow function (translation)', () => {
  it('goes back through the reference CNN and applies Adam to each of its 12 weights', () => {
    const model = seedCnn({ seed: 1 });
    try {
      const list = ops(model);
      assert.equal(count(list, 'Conv2DBackpropFilter'), 2);
      // The first convolution's input needs no gradient.
      assert.equal(count(list, 'Conv2DBackpropInput'), 1);
      assert.equal(count(list, 'MaxPoolGrad'), 2);
      assert.equal(count(list, 'BiasAddGrad'), 6);
      assert.equal(count(list, 'ReluGrad'), 5);
      assert.equal(count(list, 'ResourceApplyAdam'), 12);
      assert.equal(count(list, 'ReadVariableOp'), 24, 'each weight read before and after its update');
      const fn = trainFunction(model, 'f');
      assert.ok(!('refused' in fn));
      assert.deepEqual(Object.keys(fn.spec.outputs), ['loss', 'accuracy', ...fn.weights.map((_, i) => `w${i}`)]);
      assert.deepEqual(fn.spec.resources, fn.weights.flatMap((_, i) => [`v${i}`, `m${i}`, `s${i}`]));
    } finally {
      model.dispose();
    }
  });

  it('refuses, with the reason, what it does not train', () => {
    const tanh = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 3, activation: 'tanh' }), tf.layers.dense({ units: 2, activation: 'softmax' })] });
    const noSoftmax = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 3 })] });
    const avgPool = tf.sequential({ layers: [tf.layers.averagePooling2d({ inputShape: [4, 4, 1], poolSize: 2 }), tf.layers.flatten(), tf.layers.dense({ units: 2, activation: 'softmax' })] });
    const compact = compactCnn({ seed: 1 });
    try {
      const reason = (m: tf.LayersModel) => {
        const fn = trainFunction(m, 'f');
        return 'refused' in fn ? fn.refused : 'translated';
      };
      assert.equal(reason(tanh), 'activation tanh in training');
      assert.equal(reason(noSoftmax), 'no softmax at the end');
      assert.equal(reason(avgPool), 'AvgPool in training');
      assert.equal(reason(compact), 'Dropout in training');
    } finally {
      [tanh, noSoftmax, avgPool, compact].forEach((m) => m.dispose());
    }
  });
});

interface Run {
  losses: number[][];
  weights: Float32Array[];
  moments: Float32Array[];
}

/** Weights and Adam's moments after `steps` run through `fn` on a fresh `make()`. */
async function run(make: () => tf.LayersModel, asFunction: boolean, steps: (model: tf.LayersModel) => Promise<number[][]>): Promise<Run> {
  trainStepsAsFunctions(asFunction);
  const model = make();
  try {
    const losses = await steps(model);
    const weights = model.getWeights().map((w) => w.dataSync() as Float32Array);
    const [iterations, ...held] = await model.optimizer.getWeights();
    // The step count is a new tensor; the moments are the optimizer's own.
    iterations.tensor.dispose();
    const moments = held.map((w) => w.tensor.dataSync() as Float32Array);
    return { losses, weights, moments };
  } finally {
    trainStepsAsFunctions(true);
    model.optimizer.dispose();
    model.dispose();
  }
}

/** `count` trainOnBatch steps on one batch, returning each step's loss (and accuracy). */
function onBatch(xs: tf.Tensor, ys: tf.Tensor, count: number): (model: tf.LayersModel) => Promise<number[][]> {
  return async (model) => {
    const out: number[][] = [];
    for (let i = 0; i < count; i++) out.push((await model.trainOnBatch(xs, ys)) as number[]);
    return out;
  };
}

function assertClose(a: Run, b: Run, tol: number): void {
  assert.equal(a.losses.length, b.losses.length);
  a.losses.forEach((l, i) => assert.ok(relativeError(Float32Array.from(l), Float32Array.from(b.losses[i])) < tol, `step ${i}: ${l} against ${b.losses[i]}`));
  assert.equal(a.weights.length, b.weights.length);
  a.weights.forEach((w, i) => assert.ok(relativeError(w, b.weights[i]) < tol, `weight ${i}: ${relativeError(w, b.weights[i])}`));
  assert.equal(a.moments.length, b.moments.length);
  a.moments.forEach((m, i) => assert.ok(relativeError(m, b.moments[i]) < tol, `moment ${i}: ${relativeError(m, b.moments[i])}`));
}

describeEachBackend('engine: training steps as functions', (backend) => {
  const x = () => tf.randomUniform([48, 28, 28, 1], 0, 1, 'float32', 21);
  const y = () => tf.oneHot(tf.randomUniform([48], 0, 10, 'int32', 22), 10).toFloat();

  if (backend === 'wasm') {
    it('are not used off tensorflow, and say why', () => {
      const model = seedCnn({ seed: 1 });
      try {
        assert.equal(trainStepReason(model), 'the wasm backend runs models op by op');
      } finally {
        model.dispose();
      }
    });
    return;
  }

  it('train the reference CNN as tfjs-layers does, step by step (loss, accuracy, weights, moments), with no tfjs kernel and no tensor left', async () => {
    const [xs, ys] = [x(), y()];
    try {
      const steps = onBatch(xs, ys, 4);
      const stock = await run(() => seedCnn({ seed: 5 }), false, steps);
      const before = tf.memory().numTensors;
      const fused = await run(() => seedCnn({ seed: 5 }), true, steps);
      assert.equal(tf.memory().numTensors, before, 'no tensor left');
      assertClose(fused, stock, 2e-4);

      const model = seedCnn({ seed: 5 });
      try {
        assert.equal(trainStepReason(model), undefined);
        await model.trainOnBatch(xs, ys);
        const profile = await tf.profile(async () => {
          await model.trainOnBatch(xs, ys);
        });
        assert.deepEqual(profile.kernelNames, [], 'the whole step ran inside TensorFlow');
      } finally {
        model.optimizer.dispose();
        model.dispose();
      }
    } finally {
      tf.dispose([xs, ys]);
    }
  });

  it('train every covered layer kind as tfjs-layers does, through fit (epochs, batches, logs)', async () => {
    const xs = tf.randomUniform([40, 10, 10, 1], 0, 1, 'float32', 23);
    const ys = tf.oneHot(tf.randomUniform([40], 0, 3, 'int32', 24), 3).toFloat();
    try {
      const steps = async (model: tf.LayersModel) => {
        const history = await model.fit(xs, ys, { epochs: 3, batchSize: 16, shuffle: false, verbose: 0 });
        return [history.history.loss as number[], history.history.acc as number[]];
      };
      assertClose(await run(() => variedModel(7), true, steps), await run(() => variedModel(7), false, steps), 2e-4);
    } finally {
      tf.dispose([xs, ys]);
    }
  });

  it('mix with op-by-op steps and with weights set from outside', async () => {
    const [xs, ys] = [x(), y()];
    const replacement = seedCnn({ seed: 9 });
    try {
      const steps = (mixed: boolean) => async (model: tf.LayersModel) => {
        const out: number[][] = [];
        const step = async (asFunction: boolean) => {
          trainStepsAsFunctions(mixed ? asFunction : false);
          out.push((await model.trainOnBatch(xs, ys)) as number[]);
        };
        await step(true);
        await step(false);
        await step(true);
        model.setWeights(replacement.getWeights());
        await step(true);
        return out;
      };
      assertClose(await run(() => seedCnn({ seed: 6 }), true, steps(true)), await run(() => seedCnn({ seed: 6 }), false, steps(false)), 2e-4);
    } finally {
      replacement.dispose();
      tf.dispose([xs, ys]);
    }
  });

  it('fall back to tfjs-layers\' step when TensorFlow rejects the function, leaving no tensor', async () => {
    const [xs, ys] = [x(), y()];
    const native = tf.backend() as unknown as { executeMultipleOutputs: (name: string, ...rest: unknown[]) => tf.Tensor[] };
    const original = native.executeMultipleOutputs;
    const warnings: string[] = [];
    const warned = (w: Error) => warnings.push(w.message);
    try {
      const steps = onBatch(xs, ys, 2);
      const stock = await run(() => seedCnn({ seed: 8 }), false, steps);
      native.executeMultipleOutputs = function (name, ...rest) {
        if (name.startsWith('digit_lab_train')) throw new Error('no such kernel');
        return original.call(this, name, ...rest);
      };
      process.on('warning', warned);
      const before = tf.memory().numTensors;
      const rejected = await run(() => seedCnn({ seed: 8 }), true, steps);
      assert.equal(tf.memory().numTensors, before);
      assertClose(rejected, stock, 1e-6);
      await new Promise((resolve) => setImmediate(resolve));
      // Once: the model keeps to tfjs-layers' step after the first rejection.
      assert.equal(warnings.filter((w) => /runs op by op: a function TensorFlow rejected \(no such kernel\)$/.test(w)).length, 1, warnings.join('\n'));
    } finally {
      native.executeMultipleOutputs = original;
      process.off('warning', warned);
      tf.dispose([xs, ys]);
    }
  });

  it('leave other losses, metrics, optimizers and frozen layers to tfjs-layers, and say why, after a compile too', () => {
    const models: tf.LayersModel[] = [];
    const make = (compile: tf.ModelCompileArgs, freeze = false) => {
      const model = tinyCnn({ seed: 1 });
      if (freeze) model.layers[0].trainable = false;
      model.compile(compile);
      models.push(model);
      return model;
    };
    try {
      assert.equal(trainStepReason(make({ optimizer: 'adam', loss: 'meanSquaredError' })), 'the model has loss meanSquaredError, which trains op by op');
      assert.equal(trainStepReason(make({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['mse'] })), 'the model has metrics mse, which trains op by op');
      assert.equal(trainStepReason(make({ optimizer: 'sgd', loss: 'categoricalCrossentropy' })), 'its optimizer is not Adam');
      assert.match(trainStepReason(make({ optimizer: 'adam', loss: 'categoricalCrossentropy' }, true)) ?? '', /the frozen layer conv2d/);
      const recompiled = make({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
      assert.equal(trainStepReason(recompiled), undefined);
      // Settings are read again after each compile.
      recompiled.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
      assert.equal(trainStepReason(recompiled), 'the model has loss meanSquaredError, which trains op by op');
    } finally {
      models.forEach((m) => m.dispose());
    }
  });
}, { only: ['tensorflow', 'wasm'] });
