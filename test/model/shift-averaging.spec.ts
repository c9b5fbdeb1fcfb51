import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { tinyCnn } from '../../lib/model/architectures';
import { averagedEnsemble, ensembleMemberName } from '../../lib/model/ensemble';
import { loadModel, saveModel } from '../../lib/model/persist';
import { padPayloadToModel, serializeModelForPad } from '../../lib/drawpad/node';
import { SHIFTS, withShiftAveraging } from '../../lib/model/shift-averaging';

/** `x` moved `right` and `down` pixels, zeros coming in: written independently of the layers under test. */
function moved(x: tf.Tensor4D, right: number, down: number): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const data = x.arraySync();
  const out = tf.buffer([n, h, w, c]);
  for (let i = 0; i < n; i++) for (let y = 0; y < h; y++) for (let xx = 0; xx < w; xx++) for (let k = 0; k < c; k++) {
    const sy = y - down;
    const sx = xx - right;
    if (sy >= 0 && sy < h && sx >= 0 && sx < w) out.set(data[i][sy][sx][k], i, y, xx, k);
  }
  return out.toTensor() as tf.Tensor4D;
}

describe('shift averaging (test-time augmentation)', () => {
  before(async () => { await tf.setBackend('cpu'); });
  const images = () => tf.randomUniform([3, 28, 28, 1], 0, 1, 'float32', 5) as tf.Tensor4D;

  it('averages the predictions on the picture and on its four one-pixel shifts', () => {
    const model = tinyCnn({ seed: 3 });
    const x = images();
    const want = tf.tidy(() => tf.div(tf.addN(SHIFTS.map(([r, d]) => model.predict(moved(x, r, d)) as tf.Tensor)), SHIFTS.length));
    const wrapped = withShiftAveraging(model);
    const got = wrapped.predict(x) as tf.Tensor;
    assert.ok(tf.max(tf.abs(tf.sub(got, want))).dataSync()[0] < 1e-6);
    assert.ok(tf.max(tf.abs(tf.sub(got, model.predict(x) as tf.Tensor))).dataSync()[0] > 1e-4, 'differs from the plain prediction');
    wrapped.dispose();
  });

  it('wraps an ensemble, and saves and loads with the same predictions', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'digit-lab-shifts-'));
    try {
      const ensemble = averagedEnsemble([1, 2].map((i) => tinyCnn({ seed: i, name: ensembleMemberName(i) })));
      const wrapped = withShiftAveraging(ensemble);
      const x = images();
      const before = wrapped.predict(x) as tf.Tensor;
      await saveModel(wrapped, dir, { modelName: 'tiny' });
      const { model } = await loadModel(dir);
      assert.ok(tf.max(tf.abs(tf.sub(model.predict(x) as tf.Tensor, before))).dataSync()[0] < 1e-6);
      assert.equal(model.countParams(), ensemble.countParams(), 'the shifts add no weights');
      model.dispose();
      assert.equal(wrapped.dispose().numDisposedVariables, ensemble.weights.length);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('embeds in a drawing pad, which loads it as the page does and predicts the same', async () => {
    const wrapped = withShiftAveraging(averagedEnsemble([1, 2].map((i) => tinyCnn({ seed: i, name: ensembleMemberName(i) }))));
    const x = images();
    const padModel = await padPayloadToModel(serializeModelForPad(wrapped, 'float32'));
    assert.ok(tf.max(tf.abs(tf.sub(padModel.predict(x) as tf.Tensor, wrapped.predict(x) as tf.Tensor))).dataSync()[0] < 1e-6);
    padModel.dispose();
    wrapped.dispose();
  });

  it('refuses a model whose input is not an image', () => {
    const flat = tf.sequential({ layers: [tf.layers.dense({ inputShape: [784], units: 10 })] });
    assert.throws(() => withShiftAveraging(flat), /images \[height, width, channels\], got input shape \[784\]/);
    flat.dispose();
  });
});
