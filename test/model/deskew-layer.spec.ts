import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { loadEmbeddedMnist } from '../../lib/data/embedded';
import { padPayloadToModel, serializeModelForPad } from '../../lib/drawpad/node';
import { deskewPicture } from '../../lib/imaging/deskew';
import { strongCnn, tinyCnn } from '../../lib/model/architectures';
import { deskewImages, withDeskew } from '../../lib/model/deskew-layer';
import { averagedEnsemble, ensembleMemberName } from '../../lib/model/ensemble';
import { loadModel, saveModel } from '../../lib/model/persist';
import { withShiftAveraging } from '../../lib/model/shift-averaging';
import { trainModel } from '../../lib/model/train';
import { syntheticDigits } from './synthetic';
import { describeEachBackend } from '../helpers/backends';
import { pinCpuBackend } from '../helpers/tf-backend';

const SIDE = 28;
const PIXELS = SIDE * SIDE;

/** `count` real digits scaled to [0, 1], then a blank picture and a single dot (the guarded cases). */
function realDigits(count: number): Float32Array {
  const { train } = loadEmbeddedMnist();
  const out = new Float32Array((count + 2) * PIXELS);
  for (let i = 0; i < count * PIXELS; i++) out[i] = train.images[i] / 255;
  out[(count + 1) * PIXELS + 10 * SIDE + 17] = 1;
  return out;
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let most = 0;
  for (let i = 0; i < a.length; i++) most = Math.max(most, Math.abs(a[i] - b[i]));
  return most;
}

describeEachBackend('Deskew layer', () => {
  it('deskews real digits as the plain reference does, a blank picture and a dot included', () => {
    const count = 300;
    const pixels = realDigits(count);
    const want = new Float32Array(pixels.length);
    for (let i = 0; i < count + 2; i++) want.set(deskewPicture(pixels.subarray(i * PIXELS, (i + 1) * PIXELS), SIDE, SIDE), i * PIXELS);
    assert.ok(maxDifference(want, pixels) > 0.5, 'the reference moves real digits');
    const before = tf.memory().numTensors;
    const x = tf.tensor4d(pixels, [count + 2, SIDE, SIDE, 1]);
    const got = deskewImages(x);
    // float32 moments against the reference's doubles: measured at most 2e-4 on cpu, wasm and tensorflow.
    assert.ok(maxDifference(got.dataSync(), want) < 1e-3, `max difference ${maxDifference(got.dataSync(), want)}`);
    tf.dispose([x, got]);
    assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
  });

  it('in front of a model: the wrapper predicts what the model predicts on deskewed pictures', () => {
    const net = tinyCnn({ seed: 2, name: 'net' });
    const wrapped = withDeskew(net, 'upright');
    const x = tf.tensor4d(realDigits(8), [10, SIDE, SIDE, 1]);
    const want = net.predict(deskewImages(x)) as tf.Tensor;
    const got = wrapped.predict(x) as tf.Tensor;
    assert.ok(maxDifference(got.dataSync(), want.dataSync()) < 1e-5);
    assert.ok(maxDifference(got.dataSync(), (net.predict(x) as tf.Tensor).dataSync()) > 1e-4, 'differs from the plain prediction');
    assert.equal(wrapped.countParams(), net.countParams(), 'the layer has no weights');
    wrapped.dispose();
  });
});

describe('Deskew layer in saved models and training', () => {
  pinCpuBackend();
  const x = () => tf.tensor4d(realDigits(6), [8, SIDE, SIDE, 1]);
  /** Member 1 plain, member 2 deskewed, averaged and wrapped in shift averaging: the long recipe's shape. */
  const mixedEnsemble = () => withShiftAveraging(averagedEnsemble([
    tinyCnn({ seed: 1, name: ensembleMemberName(1) }),
    withDeskew(tinyCnn({ seed: 2, name: `${ensembleMemberName(2)}_net` }), ensembleMemberName(2)),
  ]));

  it('a mixed ensemble saves and loads with the same predictions', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'digit-lab-deskew-'));
    try {
      const model = mixedEnsemble();
      const want = model.predict(x()) as tf.Tensor;
      await saveModel(model, dir, { modelName: 'tiny' });
      assert.match(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'), /"class_name":"Deskew"/);
      const loaded = (await loadModel(dir)).model;
      assert.ok(maxDifference((loaded.predict(x()) as tf.Tensor).dataSync(), want.dataSync()) < 1e-6);
      loaded.dispose();
      model.dispose();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a mixed ensemble embeds in a drawing pad, which loads it as the page does and predicts the same', async () => {
    const model = mixedEnsemble();
    const padModel = await padPayloadToModel(serializeModelForPad(model, 'float32'));
    assert.ok(maxDifference((padModel.predict(x()) as tf.Tensor).dataSync(), (model.predict(x()) as tf.Tensor).dataSync()) < 1e-6);
    padModel.dispose();
    model.dispose();
  });

  it('passes training on to the wrapped model: its dropout is active in fit and its weights learn', async () => {
    const net = tf.sequential({ name: 'dropping', layers: [
      tf.layers.flatten({ inputShape: [SIDE, SIDE, 1] }),
      tf.layers.dropout({ rate: 0.5, seed: 1 }),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ] });
    const wrapped = withDeskew(net, 'wrapped');
    const input = x();
    const inference = wrapped.apply(input, { training: false }) as tf.Tensor;
    const training = wrapped.apply(input, { training: true }) as tf.Tensor;
    assert.ok(maxDifference(training.dataSync(), inference.dataSync()) > 1e-4, 'dropout changes the training output');
    wrapped.compile({ optimizer: tf.train.adam(1e-2), loss: 'categoricalCrossentropy' });
    const before = net.getWeights()[0].dataSync().slice();
    await wrapped.fit(input, tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7], 'int32'), 10), { epochs: 1, verbose: 0 });
    assert.ok(maxDifference(net.getWeights()[0].dataSync(), before) > 1e-4, 'the wrapped model trained');
    wrapped.dispose();
  });

  it('trains reproducibly: the wrapped model\'s dropout gets the run\'s seeds as a plain model\'s does', async () => {
    const run = async () => {
      const net = strongCnn({ seed: 5, filters: 2 });
      const wrapped = withDeskew(net, 'upright');
      wrapped.compile({ optimizer: net.optimizer, loss: 'categoricalCrossentropy' });
      await trainModel(wrapped, syntheticDigits(64, 3), { progress: 'none', epochs: 1, batchSize: 32, seed: 4 });
      const weights = wrapped.getWeights().map((w) => w.dataSync().slice());
      wrapped.dispose();
      return weights;
    };
    const a = await run();
    const b = await run();
    a.forEach((w, i) => assert.deepEqual(w, b[i]));
  });

  it('refuses a model of colour pictures, naming the shape', () => {
    const colour = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [28, 28, 3] }), tf.layers.dense({ units: 10 })] });
    assert.throws(() => withDeskew(colour, 'c'), /pictures \[height, width, 1\], got input shape \[28,28,3\]/);
    assert.throws(() => deskewImages(tf.zeros([1, 28, 28, 3]) as tf.Tensor4D), /single-channel pictures, got 3 channels/);
    colour.dispose();
  });
});
