/**
 * The pad's pipeline in Node with a trained seed CNN: the test strokes are recognised, and the
 * embedded weight encodings cost (almost) nothing in accuracy. Prints one JSON line of numbers.
 */
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs';
import { predictImageSet } from '../../lib/model/evaluate';
import { PAD_WEIGHT_ENCODINGS, padPayloadToModel, serializeModelForPad } from '../../lib/drawpad/node';
import { predictPadStrokes } from './oracles';
import { DIGIT_STROKES, heldOutDigits, onWasmBackend, trainedSeedCnn } from './fixtures';

function argmaxRows(probs: Float32Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < probs.length; i += 10) {
    let best = 0;
    for (let d = 1; d < 10; d++) if (probs[i + d] > probs[i + best]) best = d;
    out.push(best);
  }
  return out;
}

describe('drawpad/recognise with a trained seed CNN @slow', function () {
  this.timeout(180_000);
  let model: tf.LayersModel;
  before(async function () {
    model = await trainedSeedCnn();
  });

  it('recognises the strokes of a 1, a 0 and a 7 with every weight encoding', async function () {
    for (const encoding of PAD_WEIGHT_ENCODINGS) {
      const padModel = await padPayloadToModel(serializeModelForPad(model, encoding));
      for (const { digit, strokes } of DIGIT_STROKES) {
        const p = predictPadStrokes(padModel, strokes);
        assert.equal(p.digit, digit, `${encoding}: drew ${digit}, got ${p.digit} (${p.probabilities.map((v) => v.toFixed(2)).join(' ')})`);
        assert.ok(p.confidence > 0.5, `${encoding}: ${digit} with confidence ${p.confidence}`);
      }
      padModel.dispose();
    }
  });

  it('loses no accuracy to float16, uint8 or compact weights on 2,000 held-out digits', async function () {
    await onWasmBackend(() => compareEncodings(model));
  });
});

/** Held-out accuracy of the float16, uint8 and compact encodings against float32; prints the numbers. */
async function compareEncodings(model: tf.LayersModel): Promise<void> {
  const set = await heldOutDigits();
  const reference = await predictImageSet(model, set);
  const refDigits = argmaxRows(reference);
  const accuracy = (digits: number[]) => digits.filter((d, i) => d === set.labels[i]).length / set.count;
  const report: Record<string, unknown> = { bench: 'drawpad-weight-encoding', examples: set.count, float32Accuracy: accuracy(refDigits) };
  for (const encoding of ['float16', 'uint8', 'compact'] as const) {
    const payload = serializeModelForPad(model, encoding);
    const padModel = await padPayloadToModel(payload);
    const probs = await predictImageSet(padModel, set);
    const digits = argmaxRows(probs);
    let maxDiff = 0;
    for (let i = 0; i < probs.length; i++) maxDiff = Math.max(maxDiff, Math.abs(probs[i] - reference[i]));
    const agree = digits.filter((d, i) => d === refDigits[i]).length / set.count;
    report[encoding] = { accuracy: accuracy(digits), agreeWithFloat32: agree, maxProbabilityChange: Number(maxDiff.toFixed(4)), gzippedWeightBytes: Buffer.from(payload.weightData, 'base64').length };
    assert.ok(Math.abs(accuracy(digits) - accuracy(refDigits)) <= 0.005, `${encoding}: accuracy ${accuracy(digits)} vs ${accuracy(refDigits)}`);
    assert.ok(agree >= 0.99, `${encoding}: agrees with float32 on ${agree}`);
    padModel.dispose();
  }
  console.log(`      ${JSON.stringify(report)}`);
}
