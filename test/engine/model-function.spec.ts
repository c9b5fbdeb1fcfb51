/**
 * Whole-model inference as one TensorFlow function (lib/engine/graph/): the translation of layers
 * models into a FunctionDef (everywhere), and on tensorflow, that predictTensor runs it (no tfjs
 * kernel at all) and agrees with model.predict, before and after training, in batches, with batch
 * norm, and that models it does not translate fall back to model.predict with the reason (on wasm
 * too, which stands for every other backend).
 */
import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import { MODEL_FUNCTION_ENV, opByOpReason, predictTensor } from '../../lib/engine';
import { decodeFunctionDef, encodeFunctionDef } from '../../lib/engine/graph/function-def';
import { modelFunction } from '../../lib/engine/graph/layers-to-function';
import { compactCnn, seedCnn, tinyCnn } from '../../lib/model/architectures';
import { averagedEnsemble } from '../../lib/model/ensemble';
import { withDeskew } from '../../lib/model/deskew-layer';
import { describeEachBackend } from '../helpers/backends';
import { relativeError } from './helpers';

/** A chain of every layer kind and option the translation covers that the product's models do not use. */
function variedModel(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [12, 12, 2], filters: 4, kernelSize: 3, strides: 2, padding: 'same', useBias: false, activation: 'tanh', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }));
  model.add(tf.layers.batchNormalization({ center: false, movingMeanInitializer: tf.initializers.randomUniform({ minval: -1, maxval: 1, seed: 2 }) }));
  model.add(tf.layers.averagePooling2d({ poolSize: [2, 1], strides: 1, padding: 'valid' }));
  model.add(tf.layers.conv2d({ filters: 3, kernelSize: [2, 3], dilationRate: 1, activation: 'elu', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }), biasInitializer: tf.initializers.randomUniform({ minval: -1, maxval: 1, seed: 4 }) }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 6, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }), biasInitializer: tf.initializers.randomUniform({ minval: -1, maxval: 1, seed: 6 }) }));
  model.add(tf.layers.batchNormalization({ scale: false, movingVarianceInitializer: tf.initializers.randomUniform({ minval: 0.5, maxval: 2, seed: 7 }) }));
  model.add(tf.layers.dense({ units: 5, kernelInitializer: tf.initializers.glorotUniform({ seed: 8 }) }));
  model.add(tf.layers.activation({ activation: 'relu6' }));
  model.add(tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 9 }) }));
  return model;
}

function ops(model: tf.LayersModel): string[] {
  const fn = modelFunction(model, 'f');
  assert.ok(!('refused' in fn), 'refused' in fn ? fn.refused : '');
  return fn.spec.nodes.map((n) => n.op);
}

describe('engine: a layers model as one TensorFlow function (translation)', () => {
  it('makes the reference CNN the fused ops Grappler makes of the Keras model, weights as arguments', () => {
    const model = seedCnn({ seed: 1 });
    try {
      const fn = modelFunction(model, 'digit_lab_test');
      assert.ok(!('refused' in fn));
      assert.deepEqual(fn.spec.nodes.map((n) => n.op), [
        '_FusedConv2D', 'MaxPool', '_FusedConv2D', 'MaxPool', 'Const', 'Reshape', '_FusedMatMul', '_FusedMatMul', '_FusedMatMul', '_FusedMatMul', 'Softmax',
      ]);
      assert.deepEqual(fn.weights, model.layers.flatMap((l) => l.weights));
      assert.deepEqual(fn.spec.inputs, ['x', ...fn.weights.map((_, i) => `w${i}`)]);
      assert.deepEqual(fn.spec.outputs, { y: 'l8_softmax:softmax:0' });
    } finally {
      model.dispose();
    }
  });

  it('covers batch norm (with and without centre or scale), activation and dropout layers, and layers without a bias', () => {
    const compact = compactCnn({ seed: 1 });
    const varied = variedModel();
    try {
      const compactOps = ops(compact);
      assert.equal(compactOps.filter((op) => op === 'Conv2D').length, 2, 'the bias-free convolutions');
      assert.equal(compactOps.filter((op) => op === 'Rsqrt').length, 3, 'one per batch norm');
      assert.ok(!compactOps.includes('Dropout'));
      const variedOps = ops(varied);
      for (const op of ['AvgPool', 'Tanh', 'Elu', 'Sigmoid', 'Relu6', 'Neg', 'Softmax']) assert.ok(variedOps.includes(op), `${op} in ${variedOps.join(' ')}`);
    } finally {
      compact.dispose();
      varied.dispose();
    }
  });

  it('refuses, with the reason, what it does not translate', () => {
    const members = [tinyCnn({ seed: 1, name: 'm0' }), tinyCnn({ seed: 2, name: 'm1' })];
    const ensemble = averagedEnsemble(members);
    const deskewed = withDeskew(tinyCnn({ seed: 3, name: 'inner' }), 'deskewed');
    const channelsFirst = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [1, 8, 8], filters: 2, kernelSize: 3, dataFormat: 'channelsFirst' })] });
    const denseOnPictures = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4, 4], units: 2 })] });
    const softplus = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 2, activation: 'softplus' })] });
    try {
      const reason = (m: tf.LayersModel) => {
        const fn = modelFunction(m, 'f');
        return 'refused' in fn ? fn.refused : 'translated';
      };
      assert.match(reason(ensemble), /layer Sequential|not one chain/);
      assert.match(reason(deskewed), /layer Deskew/);
      assert.equal(reason(channelsFirst), 'Conv2D is channels first');
      assert.equal(reason(denseOnPictures), 'Dense on more than one axis');
      assert.equal(reason(softplus), 'activation softplus');
    } finally {
      [ensemble, deskewed, channelsFirst, denseOnPictures, softplus].forEach((m) => m.dispose());
    }
  });

  it('encodes a FunctionDef whose fields read back as written', () => {
    const model = tinyCnn({ seed: 1 });
    try {
      const fn = modelFunction(model, 'digit_lab_tiny');
      assert.ok(!('refused' in fn));
      const back = decodeFunctionDef(encodeFunctionDef(fn.spec)) as {
        signature: { name: string; inputArg: { name: string; type: number }[]; outputArg: { name: string; type: number }[] };
        nodeDef: { name: string; op: string; input: string[]; attr: Record<string, Record<string, unknown>> }[];
        ret: Record<string, string>;
      };
      assert.equal(back.signature.name, 'digit_lab_tiny');
      assert.deepEqual(back.signature.inputArg, [{ name: 'x', type: 1 }, { name: 'w0', type: 1 }, { name: 'w1', type: 1 }, { name: 'w2', type: 1 }, { name: 'w3', type: 1 }]);
      assert.deepEqual(back.signature.outputArg, [{ name: 'y', type: 1 }]);
      assert.deepEqual(back.ret, { y: 'l3_softmax:softmax:0' });
      const conv = back.nodeDef[0];
      assert.deepEqual(conv.input, ['x', 'w0', 'w1']);
      assert.deepEqual(conv.attr.strides, { list: { i: [1, 1, 1, 1] } });
      assert.deepEqual(conv.attr.fused_ops, { list: { s: [Buffer.from('BiasAdd').toString('base64'), Buffer.from('Relu').toString('base64')] } });
      assert.deepEqual(conv.attr.padding, { s: Buffer.from('VALID').toString('base64') });
      const shape = back.nodeDef.find((n) => n.op === 'Const')!;
      assert.deepEqual(shape.attr.value, { tensor: { dtype: 3, tensorShape: { dim: [{ size: 2 }] }, intVal: [-1, 1352] } });
    } finally {
      model.dispose();
    }
  });
});

describeEachBackend('engine: predictTensor', (backend) => {
  it(backend === 'tensorflow' ? 'runs the reference CNN as one function, equal to model.predict, before and after training' : 'is model.predict, and says why', async () => {
    const model = seedCnn({ seed: 4 });
    const x = tf.randomUniform([70, 28, 28, 1], 0, 1, 'float32', 5);
    const y = tf.oneHot(tf.randomUniform([70], 0, 10, 'int32', 6), 10);
    try {
      const reason = opByOpReason(model);
      if (backend === 'tensorflow') assert.equal(reason, undefined);
      else assert.equal(reason, `the ${backend} backend runs models op by op`);
      const check = async () => {
        const expected = tf.tidy(() => model.predict(x) as tf.Tensor);
        const before = tf.memory().numTensors;
        let got: tf.Tensor | undefined;
        const profile = await tf.profile(() => {
          got = predictTensor(model, x);
          return got;
        });
        assert.equal(tf.memory().numTensors, before + 1, 'only the result is left');
        // The function runs inside TensorFlow: no tfjs kernel runs for it.
        if (backend === 'tensorflow') assert.deepEqual(profile.kernelNames, []);
        else assert.ok(profile.kernels.length > 10, `${profile.kernels.length} kernels`);
        assert.deepEqual(got!.shape, [70, 10]);
        assert.ok(relativeError(got!.dataSync() as Float32Array, expected.dataSync() as Float32Array) < 1e-5);
        const batched = predictTensor(model, x, { batchSize: 32 });
        assert.ok(relativeError(batched.dataSync() as Float32Array, expected.dataSync() as Float32Array) < 1e-5);
        tf.dispose([expected, got!, batched]);
      };
      await check();
      // The weights are arguments, so the trained values are what the next call uses.
      await model.trainOnBatch(x, y);
      await check();
    } finally {
      model.optimizer.dispose();
      model.dispose();
      tf.dispose([x, y]);
    }
  });

  it('agrees with model.predict on batch norm, every translated activation and pooling, and the compact CNN after training', async () => {
    const varied = variedModel();
    const compact = compactCnn({ seed: 2 });
    const xv = tf.randomUniform([9, 12, 12, 2], -1, 1, 'float32', 7);
    const xc = tf.randomUniform([16, 28, 28, 1], 0, 1, 'float32', 8);
    const yc = tf.oneHot(tf.randomUniform([16], 0, 10, 'int32', 9), 10);
    try {
      // Training moves the batch norm statistics away from 0 and 1.
      for (let i = 0; i < 3; i++) await compact.trainOnBatch(xc, yc);
      for (const [model, x] of [[varied, xv], [compact, xc]] as const) {
        const expected = tf.tidy(() => model.predict(x) as tf.Tensor);
        const got = predictTensor(model, x);
        assert.ok(relativeError(got.dataSync() as Float32Array, expected.dataSync() as Float32Array) < 1e-5, model.name);
        tf.dispose([expected, got]);
      }
    } finally {
      compact.optimizer.dispose();
      [varied, compact].forEach((m) => m.dispose());
      tf.dispose([xv, xc, yc]);
    }
  });

  it('falls back to model.predict for models it does not translate, and for inputs of the wrong shape', async () => {
    const deskewed = withDeskew(tinyCnn({ seed: 3, name: 'inner' }), 'deskewed');
    const model = tinyCnn({ seed: 3 });
    const x = tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 10);
    try {
      if (backend === 'tensorflow') assert.equal(opByOpReason(deskewed), 'the model has layer Deskew, which runs op by op');
      const expected = tf.tidy(() => deskewed.predict(x) as tf.Tensor);
      const got = predictTensor(deskewed, x);
      assert.ok(relativeError(got.dataSync() as Float32Array, expected.dataSync() as Float32Array) < 1e-5);
      tf.dispose([expected, got]);
      const wrong = tf.zeros([2, 14, 14, 1]);
      assert.throws(() => predictTensor(model, wrong), /expected conv2d_Conv2D\d*_input to have shape \[null,28,28,1\]/);
      wrong.dispose();
    } finally {
      [deskewed, model].forEach((m) => m.dispose());
      x.dispose();
    }
  });

  if (backend === 'tensorflow') {
    it('falls back to model.predict, with one warning, when TensorFlow rejects the function', async () => {
      const model = tinyCnn({ seed: 2 });
      const x = tf.randomUniform([3, 28, 28, 1], 0, 1, 'float32', 11);
      const native = tf.backend() as unknown as { executeSingleOutput: (name: string, ...rest: unknown[]) => tf.Tensor };
      const original = native.executeSingleOutput;
      native.executeSingleOutput = function (name, ...rest) {
        if (name.startsWith('digit_lab_model')) throw new Error('Invalid TF_Status: 3\nMessage: rejected here\nmore');
        return original.call(this, name, ...rest);
      };
      const warnings: string[] = [];
      const onWarning = (w: Error) => warnings.push(w.message);
      process.on('warning', onWarning);
      try {
        const expected = tf.tidy(() => model.predict(x) as tf.Tensor);
        const before = tf.memory().numTensors;
        const got = predictTensor(model, x);
        assert.equal(tf.memory().numTensors, before + 1);
        assert.ok(relativeError(got.dataSync() as Float32Array, expected.dataSync() as Float32Array) < 1e-6);
        tf.dispose([expected, got, predictTensor(model, x)]);
        assert.equal(opByOpReason(model), 'the model has a function TensorFlow rejected (Invalid TF_Status: 3 Message: rejected here), which runs op by op');
        await new Promise((resolve) => setImmediate(resolve));
        assert.deepEqual(warnings.filter((w) => w.includes(model.name)), [`digit-lab: ${model.name} runs op by op: a function TensorFlow rejected (Invalid TF_Status: 3 Message: rejected here)`]);
      } finally {
        native.executeSingleOutput = original;
        process.off('warning', onWarning);
        model.dispose();
        x.dispose();
      }
    });

    it(`runs op by op when ${MODEL_FUNCTION_ENV}=0`, async () => {
      const model = tinyCnn({ seed: 1 });
      const x = tf.zeros([2, 28, 28, 1]);
      process.env[MODEL_FUNCTION_ENV] = '0';
      try {
        assert.equal(opByOpReason(model), `${MODEL_FUNCTION_ENV}=0`);
        const profile = await tf.profile(() => predictTensor(model, x));
        assert.ok(profile.kernelNames.includes('Softmax'), profile.kernelNames.join(' '));
      } finally {
        delete process.env[MODEL_FUNCTION_ENV];
        model.dispose();
        x.dispose();
      }
    });
  }
}, { only: ['tensorflow', 'wasm'] }); // cpu falls back exactly as wasm does, and trains the reference CNN at one example a second
