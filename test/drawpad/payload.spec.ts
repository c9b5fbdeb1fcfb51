import { strict as assert } from 'node:assert';
import { gunzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import { padPayloadToModel, serializeModelForPad } from '../../lib/drawpad/node';
import type { PadModelPayload } from '../../lib/drawpad/node';

/** A dense 784 -> 10 model whose first weights are set to known values. */
function tinyModel(): tf.LayersModel {
  const model = tf.sequential({ name: 'tiny_dense' });
  model.add(tf.layers.flatten({ inputShape: [28, 28, 1] }));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 7 }) }));
  const [kernel, bias] = model.getWeights();
  const values = kernel.dataSync().slice();
  values.set([1, -2, 65504, 0.1, 1e-9, -0.333333]);
  model.setWeights([tf.tensor(values, kernel.shape), bias.add(0.01)]);
  return model;
}

/** A dense 784 -> 32 -> 10 model: its 25,088-value kernel is large enough for 'compact' to round. */
function largerModel(): tf.LayersModel {
  const model = tf.sequential({ name: 'larger_dense' });
  model.add(tf.layers.flatten({ inputShape: [28, 28, 1] }));
  const bias = (seed: number) => tf.initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed });
  model.add(tf.layers.dense({ units: 32, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 11 }), biasInitializer: bias(13) }));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 12 }), biasInitializer: bias(14) }));
  return model;
}

/** The payload's weight bytes, unpacked. */
function weightBytes(payload: PadModelPayload): Buffer {
  assert.equal(payload.compression, 'gzip');
  const packed = Buffer.from(payload.weightData, 'base64');
  assert.deepEqual([...packed.subarray(0, 2)], [0x1f, 0x8b], 'gzip magic');
  return gunzipSync(packed);
}

function std(values: Float32Array): number {
  const mean = values.reduce((a, v) => a + v, 0) / values.length;
  return Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length);
}

function flatWeights(model: tf.LayersModel): Float32Array[] {
  return model.getWeights().map((w) => w.dataSync() as Float32Array);
}

describe('drawpad/payload', function () {
  const model = tinyModel();
  const original = flatWeights(model);
  const input = tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 3);

  it("holds what model.save hands a save handler (topology, weight names, order, bytes)", async function () {
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const payload = serializeModelForPad(model, 'float32');
    assert.deepEqual(payload.modelTopology, saved!.modelTopology);
    assert.deepEqual(payload.weightSpecs, saved!.weightSpecs);
    assert.deepEqual(weightBytes(payload), Buffer.from(saved!.weightData as ArrayBuffer));
  });

  it('round-trips float32 weights exactly', async function () {
    const payload = serializeModelForPad(model, 'float32');
    assert.equal(payload.encoding, 'float32');
    assert.equal(weightBytes(payload).length, (784 * 10 + 10) * 4);
    const loaded = await padPayloadToModel(payload);
    flatWeights(loaded).forEach((w, i) => assert.deepEqual(w, original[i]));
    const a = (model.predict(input) as tf.Tensor).dataSync();
    const b = (loaded.predict(input) as tf.Tensor).dataSync();
    assert.deepEqual(b, a);
  });

  it('stores float16 in half the bytes, rounding to the nearest half', async function () {
    const payload = serializeModelForPad(model, 'float16');
    assert.equal(weightBytes(payload).length, (784 * 10 + 10) * 2);
    const [kernel] = flatWeights(await padPayloadToModel(payload));
    assert.deepEqual(Array.from(kernel.slice(0, 5)), [1, -2, 65504, 0.0999755859375, 0]);
    assert.equal(kernel[5], -0.333251953125);
    for (let i = 6; i < kernel.length; i++) {
      assert.ok(Math.abs(kernel[i] - original[0][i]) <= Math.abs(original[0][i]) / 1024 + 1e-7, `weight ${i}`);
    }
  });

  it('stores uint8 in a quarter of the bytes, each weight within half a step', async function () {
    const payload = serializeModelForPad(model, 'uint8');
    assert.equal(weightBytes(payload).length, 784 * 10 + 10);
    const specs = payload.weightSpecs as { quantization: { dtype: string; scale: number; min: number } }[];
    assert.equal(specs[0].quantization.dtype, 'uint8');
    const loaded = flatWeights(await padPayloadToModel(payload));
    loaded.forEach((w, t) => {
      const { scale } = specs[t].quantization;
      for (let i = 0; i < w.length; i++) assert.ok(Math.abs(w[i] - original[t][i]) <= scale / 2 + 1e-6, `tensor ${t} weight ${i}`);
    });
  });

  it("compact: rounds large tensors to half a standard deviation, packs them in under 3.5 bits a weight", async function () {
    const larger = largerModel();
    const originals = flatWeights(larger);
    const compact = serializeModelForPad(larger);
    assert.equal(compact.encoding, 'compact', 'the default encoding');
    const specs = compact.weightSpecs as { name: string; quantization: { dtype: string; scale: number; min: number } }[];
    assert.ok(specs.every((s) => s.quantization.dtype === 'uint8'), 'tfjs decodes it as plain uint8 quantization');
    const range = (v: Float32Array) => v.reduce((a, x) => Math.max(a, x), -Infinity) - v.reduce((a, x) => Math.min(a, x), Infinity);
    // The 784x32 kernel is rounded coarsely; the small tensors keep 256 levels over their range.
    assert.ok(Math.abs(specs[0].quantization.scale - std(originals[0]) / 2) < 1e-9, `kernel step ${specs[0].quantization.scale}`);
    for (const t of [1, 2, 3]) assert.ok(Math.abs(specs[t].quantization.scale - range(originals[t]) / 255) < 1e-9, `tensor ${t} keeps full precision`);
    const decoded = flatWeights(await padPayloadToModel(compact));
    decoded.forEach((w, t) => {
      const { scale } = specs[t].quantization;
      for (let i = 0; i < w.length; i++) assert.ok(Math.abs(w[i] - originals[t][i]) <= scale / 2 + 1e-6, `tensor ${t} weight ${i}`);
    });
    const packed = Buffer.from(compact.weightData, 'base64').length;
    assert.ok((packed * 8) / larger.countParams() < 3.5, `${packed} bytes for ${larger.countParams()} weights`);
    const uint8 = Buffer.from(serializeModelForPad(larger, 'uint8').weightData, 'base64').length;
    assert.ok(packed < uint8 / 2, `compact ${packed} bytes, uint8 ${uint8}`);
    larger.dispose();
  });

  it('still loads a payload whose weights are not gzipped (made before compression)', async function () {
    const payload = serializeModelForPad(model, 'float32');
    const plain: PadModelPayload = { ...payload, weightData: weightBytes(payload).toString('base64') };
    delete plain.compression;
    const loaded = await padPayloadToModel(plain);
    flatWeights(loaded).forEach((w, i) => assert.deepEqual(w, original[i]));
  });

  it('rejects an unknown encoding and non-finite weights', function () {
    assert.throws(() => serializeModelForPad(model, 'int4' as never), /unknown weight encoding "int4"/);
    const broken = tinyModel();
    const [kernel, bias] = broken.getWeights();
    broken.setWeights([kernel.mul(Number.NaN), bias]);
    assert.throws(() => serializeModelForPad(broken, 'uint8'), /non-finite weights/);
  });
});
