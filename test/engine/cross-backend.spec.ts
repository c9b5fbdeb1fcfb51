/**
 * The backends against one another: the seed CNN's losses over a few Adam steps from identical
 * weights on a fixed batch, and a model trained and saved on tensorflow that loads on wasm, in the
 * browser drawing pad (tfjs in Chromium) and back on tensorflow with the same predictions.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import type { Browser, BrowserContext } from 'playwright-core';
import { digitPadHtml } from '../../lib/drawpad/node';
import { loadMnist } from '../../lib/data';
import { seedCnn } from '../../lib/model/architectures';
import { loadModel, saveModel, WEIGHTS_FILE } from '../../lib/model/persist';
import { trainModel } from '../../lib/model/train';
import { backendAbsence, TestBackend } from '../helpers/backends';
import { chromiumUnavailable } from '../helpers/chromium';
import { skipIf } from '../helpers/skip';
import { currentBackend, restoreBackend } from '../helpers/tf-backend';
import { assertMatchesNode, drawWithMouse, launchOffline, openPadPage } from '../drawpad/browser-helpers';
import { builtPadRuntime, DIGIT_STROKES, heldOutDigits, trainedSeedCnn } from '../drawpad/fixtures';
import { predictPadStrokes } from '../drawpad/oracles';
import type { PadStrokesPrediction } from '../drawpad/oracles';
import { lossTrajectory, SEED_CNN_STEPS, seedCnnBatch, useBackend } from './helpers';

/**
 * Largest relative difference allowed between two backends' seed-CNN losses at any step. Seen:
 * about 2e-7 (float32 sums in another order); Adam's first steps normalise each gradient, so small
 * differences in near-zero gradients can grow, hence the margin.
 */
const LOSS_TOL = 1e-4;
/** Largest absolute difference allowed between two backends' class probabilities for one model (seen: about 1e-6). */
const PROB_TOL = 1e-5;

function relative(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
}

/** Saves and restores the active backend around the enclosing describe. */
function keepBackend(): void {
  let previous: string | undefined;
  before(async () => { previous = await currentBackend(); });
  after(async () => { await restoreBackend(previous); });
}

describe('engine: the seed CNN trains alike on every backend @slow', function () {
  this.timeout(180_000);
  keepBackend();
  const batch = seedCnnBatch();
  const trajectories = new Map<TestBackend, Promise<number[]>>();
  let initial: Float32Array[] | undefined;

  /** The backend's losses from the same initial weights (made once, on cpu); computed once per backend. */
  function trajectoryOn(backend: TestBackend): Promise<number[]> {
    let found = trajectories.get(backend);
    if (!found) {
      found = (async () => {
        if (!initial) {
          await useBackend('cpu');
          const model = seedCnn({ seed: 7 });
          initial = model.getWeights().map((w) => Float32Array.from(w.dataSync() as Float32Array));
          model.dispose();
        }
        await useBackend(backend);
        assert.strictEqual(tf.getBackend(), backend);
        const losses = await lossTrajectory(batch, initial);
        console.log(`      ${backend}: ${losses.map((l) => l.toPrecision(7)).join(', ')}`);
        return losses;
      })();
      trajectories.set(backend, found);
    }
    return found;
  }

  const pairs: Array<[TestBackend, TestBackend]> = [['tensorflow', 'cpu'], ['wasm', 'cpu'], ['tensorflow', 'wasm']];
  for (const [a, b] of pairs) {
    it(`${a} and ${b} agree on the loss of ${SEED_CNN_STEPS} Adam steps and after them (batch ${batch.labels.length}, relative ${LOSS_TOL})`, async function () {
      skipIf(this, backendAbsence(a) ?? backendAbsence(b));
      const [la, lb] = [await trajectoryOn(a), await trajectoryOn(b)];
      assert.strictEqual(la.length, SEED_CNN_STEPS + 1);
      // The steps must train (equal flat trajectories would prove little).
      for (const [name, l] of [[a, la], [b, lb]] as const) assert.ok(l[l.length - 1] < l[0], `${name}: the loss did not fall: ${l.join(', ')}`);
      const worst = Math.max(...la.map((v, i) => relative(v, lb[i])));
      la.forEach((v, i) => assert.ok(relative(v, lb[i]) <= LOSS_TOL,
        `step ${i}: ${a} loss ${v} vs ${b} ${lb[i]} (relative ${relative(v, lb[i]).toExponential(2)}, limit ${LOSS_TOL})`));
      console.log(`      largest relative difference ${worst.toExponential(2)}`);
    });
  }
});

describe('engine: a model trained and saved on tensorflow loads on wasm, in the drawing pad and back @slow', function () {
  this.timeout(180_000);
  keepBackend();
  let dir: string | undefined;
  let saved: string;
  let probe: tf.Tensor4D | undefined;
  /** Its predictions on `probe`, on tensorflow (probe-major, 10 per digit). */
  let reference: Float32Array;

  before(async function () {
    skipIf(this, backendAbsence('tensorflow'));
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'digit-lab-cross-backend-'));
    saved = path.join(dir, 'tensorflow');
    // The drawing-pad specs' seed CNN (so it recognises drawn digits), trained on for an epoch on tensorflow.
    await useBackend('tensorflow');
    const model = await trainedSeedCnn();
    const data = await loadMnist({ source: 'embedded', quiet: true });
    const n = 512;
    const more = { ...data.train, count: n, images: data.train.images.subarray(6000 * 784, (6000 + n) * 784), labels: data.train.labels.subarray(6000, 6000 + n) };
    const before = await (model.getWeights()[0].data());
    await trainModel(model, more, { epochs: 1, batchSize: 64, seed: 2, progress: 'none' });
    assert.notDeepStrictEqual(await model.getWeights()[0].data(), before, 'the epoch on tensorflow changed the weights');
    await saveModel(model, saved, { modelName: 'seed_cnn (cross-backend test)', backend: 'tensorflow' });
    model.dispose();
    const held = await heldOutDigits();
    const count = 64;
    probe = tf.tidy(() => tf.tensor4d(Float32Array.from(held.images.subarray(0, count * 784), (v) => v / 255), [count, 28, 28, 1]));
    reference = await predictionsOf(saved, 'tensorflow');
  });

  after(() => {
    probe?.dispose();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Loads the model in `from` on `backend` and returns its predictions on the probe digits. */
  async function predictionsOf(from: string, backend: TestBackend): Promise<Float32Array> {
    await useBackend(backend);
    const { model, metadata } = await loadModel(from);
    assert.strictEqual(metadata.backend, 'tensorflow');
    try {
      return Float32Array.from(tf.tidy(() => (model.predict(probe!) as tf.Tensor).dataSync() as Float32Array));
    } finally {
      model.dispose();
    }
  }

  function largestDifference(a: Float32Array, b: Float32Array): number {
    assert.strictEqual(a.length, b.length);
    return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
  }

  const argmaxes = (p: Float32Array): number[] => Array.from({ length: p.length / 10 }, (_, i) => {
    const row = Array.from(p.subarray(i * 10, i * 10 + 10));
    return row.indexOf(Math.max(...row));
  });

  it(`predicts on wasm what it predicted on tensorflow (probabilities within ${PROB_TOL})`, async () => {
    const onWasm = await predictionsOf(saved, 'wasm');
    const diff = largestDifference(onWasm, reference);
    console.log(`      largest probability difference, wasm vs tensorflow: ${diff.toExponential(2)}`);
    assert.ok(diff <= PROB_TOL, `wasm's probabilities differ from tensorflow's by up to ${diff.toExponential(2)}`);
    assert.deepStrictEqual(argmaxes(onWasm), argmaxes(reference));
  });

  it('saved again on wasm, loads back on tensorflow with the same weights and exactly the same predictions', async () => {
    await useBackend('wasm');
    const { model, metadata } = await loadModel(saved);
    const again = path.join(dir!, 'wasm');
    await saveModel(model, again, metadata);
    model.dispose();
    assert.ok(fs.readFileSync(path.join(again, WEIGHTS_FILE)).equals(fs.readFileSync(path.join(saved, WEIGHTS_FILE))), 'the weights wasm saved are those tensorflow saved');
    const back = await predictionsOf(again, 'tensorflow');
    assert.deepStrictEqual(back, reference);
  });

  describe('in headless Chromium', () => {
    let browser: Browser | undefined;
    let context: BrowserContext;
    const problems: string[] = [];

    before(async function () {
      skipIf(this, chromiumUnavailable());
      await builtPadRuntime();
      ({ browser, context } = await launchOffline(problems));
    });

    after(async () => {
      await browser?.close();
    });

    it("the drawing pad (float32 weights, loaded on wasm) shows tensorflow's predictions for a drawn 1, 0 and 7", async () => {
      // What tensorflow predicts for the strokes, through the pad's own rasterising and preprocessing.
      await useBackend('tensorflow');
      const onTensorflow = (await loadModel(saved)).model;
      const node = new Map<number, PadStrokesPrediction>(DIGIT_STROKES.map(({ digit, strokes }) => [digit, predictPadStrokes(onTensorflow, strokes)]));
      onTensorflow.dispose();
      // The pad is made from the model as loaded on wasm.
      await useBackend('wasm');
      const onWasm = (await loadModel(saved)).model;
      const file = path.join(dir!, 'pad.html');
      fs.writeFileSync(file, `<!doctype html><html><head><meta charset="utf-8"><title>pad</title></head><body>${digitPadHtml(onWasm, { encoding: 'float32', title: 'Saved on tensorflow' })}</body></html>`);
      onWasm.dispose();
      const page = await openPadPage(context, file, problems);
      const card = page.locator('.dlp-card');
      for (const { digit, strokes } of DIGIT_STROKES) {
        const expected = node.get(digit)!;
        // The pad's tolerances: the page rasterises the strokes itself, so its 28x28 input differs slightly.
        assertMatchesNode(await drawWithMouse(page, card, strokes), expected, expected.digit, `pad, drawn ${digit}`);
      }
      await page.close();
      assert.deepStrictEqual(problems, []);
    });
  });
});
