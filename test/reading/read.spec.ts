/**
 * Reading whole numbers: pictures composed from real MNIST digits (the embedded ones the test
 * model never trained on), read with a really trained seed CNN.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/engine';
import { loadMnist } from '../../lib/data';
import type { ImageSet } from '../../lib/data/types';
import type { DigitImage } from '../../lib/imaging/gray';
import { findInk } from '../../lib/imaging/preprocess';
import { predictDigits } from '../../lib/model/evaluate';
import { predictImageFiles } from '../../lib/model/predict-files';
import { trainTestSets } from '../../lib/model/recipe';
import { composeNumber, type NumberStyle } from '../../lib/bench/read-numbers';
import { inkPieces } from '../../lib/reading/components';
import { JUDGE_PAIR, type PieceJudge } from '../../lib/reading/judge';
import { loadJudgeModel, modelClassifier, modelJudge, readNumber as readWith } from '../../lib/reading/model';
import { readText } from '../../lib/reading/read';
import { shiftedPicture, SHIFTS } from '../../lib/imaging/shifts';
import { shiftAveragedModel, withShiftAveraging } from '../../lib/model/shift-averaging';
import { loadModel, saveModel } from '../../lib/model/persist';
import { PAIR_CALIBRATION, type PairEvidence } from '../../lib/reading/pair-odds';
import { collectPairEvidence, pairErrors } from '../../lib/bench/read-calibrate';
import { MODEL_CACHE, trainedSeedCnn } from '../drawpad/fixtures';
import { writeGrayPng } from './helpers';
import { seededRandom } from '../../lib/common/random';

function style(digits: number, gaps?: NumberStyle['gaps']): NumberStyle {
  return { digitHeight: 28, gaps: gaps ?? new Array(digits - 1).fill(5), slant: 0, drift: 0, stroke: 0, paper: 225, ink: 35, gradient: 6, noise: 2 };
}

function pieceCount(img: DigitImage): number {
  return inkPieces(findInk(img).strength, img.width, img.height).length;
}

describe('reading whole numbers @slow', function () {
  this.timeout(180000);
  let model: tf.LayersModel;
  let judgeModel: tf.LayersModel;
  let digits: ImageSet;
  /** Reads as the CLI does: the digit model and the reader's judge. */
  const readNumber = (image: DigitImage, m: tf.LayersModel) => readWith(image, m, { judgeModel });
  /** Held-out digits the model reads right alone with >= 99%, by label. */
  const sure: number[][] = Array.from({ length: 10 }, () => []);
  const pick = (label: number, k = 0) => sure[label][k];

  let previousBackend = '';

  before(async () => {
    // wasm reads several times faster than the default cpu backend; restored after.
    previousBackend = tf.getBackend();
    await initBackend('wasm', { quiet: true });
    model = await trainedSeedCnn();
    judgeModel = await loadJudgeModel();
    digits = trainTestSets(await loadMnist({ source: 'embedded', quiet: true })).test;
    const inputs = Array.from({ length: 400 }, (_, i) => Float32Array.from(digits.images.subarray(i * 784, i * 784 + 784), (v) => v / 255));
    const p = await predictDigits(model, inputs);
    p.forEach((q, i) => {
      if (q[digits.labels[i]] >= 0.99) sure[digits.labels[i]].push(i);
    });
  });

  after(async () => {
    model?.dispose();
    judgeModel?.dispose();
    if (previousBackend && previousBackend !== tf.getBackend()) await tf.setBackend(previousBackend);
  });

  it('reads separated digits: one box per digit, where the digit is', async () => {
    const idx = [pick(3), pick(0), pick(7), pick(2)];
    const pic = composeNumber(digits, [idx], [style(4)], 1);
    const r = await readNumber(pic.image, model);
    assert.equal(r.text, pic.text);
    assert.equal(r.lines.length, 1);
    assert.equal(r.lines[0].digits.length, 4);
    r.lines[0].digits.forEach((d, i) => {
      const [x, y, w, h] = pic.boxes[0][i];
      const [bx, by, bw, bh] = d.box;
      assert.ok(bx >= x - 1 && by >= y - 1 && bx + bw <= x + w + 1 && by + bh <= y + h + 1, `digit ${i}: box ${d.box} outside ${pic.boxes[0][i]}`);
      assert.ok(bw * bh >= 0.6 * w * h, `digit ${i}: box ${d.box} covers too little of ${pic.boxes[0][i]}`);
      assert.ok(d.probability >= d.runnerUp.probability && d.runnerUp.digit !== d.digit);
    });
    assert.deepEqual(r.warnings, []);
  });

  it('splits touching pairs into two digits', async () => {
    let right = 0;
    const pairs = [[2, 3], [5, 7], [0, 4], [6, 8], [3, 9], [8, 2]];
    for (const [a, b] of pairs) {
      const pic = composeNumber(digits, [[pick(1), pick(a), pick(b)]], [style(3, [6, 'touch'])], 2);
      assert.equal(pieceCount(pic.image), 2, `${pic.text}: the pair does not touch`);
      const r = await readNumber(pic.image, model);
      if (r.text === pic.text) right++;
    }
    assert.ok(right >= 4, `only ${right} of ${pairs.length} touching pairs read right`);
  });

  it('reads narrow touching pairs and overlapping pairs, which the classifier alone reads as one digit', async () => {
    const cases: [number, number, 'touch' | 'overlap'][] = [[1, 7, 'touch'], [7, 1, 'touch'], [4, 1, 'touch'], [1, 1, 'touch'], [2, 3, 'overlap'], [5, 7, 'overlap'], [0, 4, 'overlap'], [6, 8, 'overlap']];
    const wrong: string[] = [];
    let alone = 0;
    for (const [a, b, kind] of cases) {
      const pic = composeNumber(digits, [[pick(a, 2), pick(b, 3), pick(9)]], [style(3, [kind, 6])], 7);
      assert.equal(pieceCount(pic.image), 2, `${pic.text}: the pair is not one piece`);
      const r = await readNumber(pic.image, model);
      if (r.text !== pic.text) wrong.push(`${pic.text} -> ${r.text}`);
      if ((await readWith(pic.image, model)).text === pic.text) alone++;
    }
    assert.ok(wrong.length <= 1, `misread: ${wrong.join(', ')}`);
    assert.ok(alone < cases.length - wrong.length, `without the judge ${alone} of ${cases.length} are read right too: the test shows nothing`);
  });

  it("reads overlapping pairs with the judge's pair head that it misreads without it", async () => {
    const withHead = modelJudge(judgeModel);
    // The same judge with its pair head cut off: the one-or-two verdict alone.
    const judgeOnly: PieceJudge = async (inputs) => (await withHead(inputs)).map((v) => v.slice(0, JUDGE_PAIR));
    const classify = modelClassifier(model);
    // Any held-out digits, not only those read surely alone: the bench's overlapping condition.
    const random = seededRandom(5);
    const numbers = Array.from({ length: 16 }, () => [0, 1, 2].map(() => Math.floor(random() * digits.count)));
    let right = 0;
    let rightWithout = 0;
    const byHead: string[] = [];
    for (const [k, indices] of numbers.entries()) {
      const pic = composeNumber(digits, [indices], [style(3, ['overlap', 6])], 20 + k);
      if (pieceCount(pic.image) !== 2) continue; // a digit in two pieces: not what this test is about
      const r = await readText(pic.image, classify, { judge: withHead });
      if (r.text === pic.text) right++;
      if ((await readText(pic.image, classify, { judge: judgeOnly })).text === pic.text) rightWithout++;
      byHead.push(r.lines[0]?.digits.map((d) => (d.readBy === 'pair head' ? 'P' : 'c')).join('') ?? '');
      for (const d of r.lines.flatMap((l) => l.digits)) assert.ok(Math.abs(d.probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-4, `${pic.text}: probabilities of ${d.digit} (${d.readBy}) sum to 1`);
    }
    assert.ok(byHead.length >= 12, `only ${byHead.length} of ${numbers.length} numbers have their pair in one piece`);
    assert.ok(right >= byHead.length - 2, `with the pair head only ${right} of ${byHead.length} overlapping pairs read right`);
    assert.ok(right >= rightWithout + 3, `the pair head adds little: ${right} right with it, ${rightWithout} without`);
    assert.ok(byHead.filter((h) => h === 'PPc').length >= byHead.length - 2, `the pair's digits say the pair head read them, the third digit not: ${byHead.join(' ')}`);
  });

  it('keeps wide digits whole: no 0 read as two digits', async () => {
    const zeros = sure[0].slice(0, 12);
    const pic = composeNumber(digits, [zeros], [style(zeros.length)], 8);
    const r = await readNumber(pic.image, model);
    assert.equal(r.text, '0'.repeat(zeros.length));
  });

  it('merges a digit broken in two (a 5 whose top bar came off, a 4 cut across)', async () => {
    for (const label of [5, 4, 7]) {
      const pic = composeNumber(digits, [[pick(label, 1)]], [style(1)], 3);
      const [x, y, w, h] = pic.boxes[0][0];
      // Paper over a band across the top quarter: the top of the stroke comes off.
      const band = y + Math.round(0.25 * h);
      for (let yy = band; yy < band + 2; yy++) for (let xx = x; xx < x + w; xx++) pic.image.gray[yy * pic.image.width + xx] = 225;
      assert.ok(pieceCount(pic.image) >= 2, `the ${label} is not broken`);
      const r = await readNumber(pic.image, model);
      assert.equal(r.text, String(label), `broken ${label} read as "${r.text}"`);
    }
  });

  it('holds a digit together across a faint stroke (a 3 whose middle fades is not two lines)', async () => {
    for (const label of [3, 8, 0]) {
      const pic = composeNumber(digits, [[pick(label, 2)]], [style(1)], 6);
      const [x, y, w, h] = pic.boxes[0][0];
      // Ink across the middle two rows fades to 35% of its darkness: below the threshold, not gone.
      const band = y + Math.round(0.5 * h) - 1;
      for (let yy = band; yy < band + 2; yy++) {
        for (let xx = x; xx < x + w; xx++) {
          const i = yy * pic.image.width + xx;
          pic.image.gray[i] = Math.round(225 - 0.35 * (225 - pic.image.gray[i]));
        }
      }
      assert.ok(pieceCount(pic.image) >= 2, `the ${label} still holds together above the threshold`);
      const r = await readNumber(pic.image, model);
      assert.equal(r.text, String(label), `faded ${label} read as ${JSON.stringify(r.text)}`);
    }
  });

  it('lets the pair calibration decide one digit or two, and shows it what it weighed', async () => {
    const pic = composeNumber(digits, [[pick(2), pick(5), pick(8)]], [style(3, ['overlap', 6])], 11);
    const seen: PairEvidence[] = [];
    const classify = modelClassifier(model);
    const judge = modelJudge(judgeModel);
    const sure = (bias: number) => readText(pic.image, classify, { judge, pairCalibration: { weights: new Array(9).fill(0), bias }, observePair: (e) => seen.push(e) });
    const two = await sure(20);
    assert.ok(seen.length >= 1, 'the pair head read no piece');
    for (const e of seen) for (const [k, v] of Object.entries(e)) assert.ok(Number.isFinite(v) && v >= 0, `${k} = ${v}`);
    assert.equal(two.text.length, 3, `calibrated sure of a pair: ${two.text}`);
    assert.equal((await sure(-20)).text.length, 2, 'calibrated sure of one digit, the overlapping pair is read as one');
  });

  it('weighs the opinions better than the pair head alone on held-out numbers', async () => {
    const pieces = await collectPairEvidence(digits, modelClassifier(model), modelJudge(judgeModel), 40, 9);
    assert.ok(pieces.filter((p) => p.two).length >= 40 && pieces.filter((p) => !p.two).length >= 40, `too few pieces of a kind: ${pieces.length}`);
    const fitted = pairErrors(pieces, PAIR_CALIBRATION);
    // The pair head alone: two digits when it gives a pair more than even odds.
    const headAlone = pairErrors(pieces, { weights: [0, 0, 0, 1, -1, 0, 0, 0, 0], bias: 0 });
    const total = (e: { falsePairs: number; missedPairs: number }) => e.falsePairs + e.missedPairs;
    assert.ok(total(fitted) < total(headAlone), `calibrated ${JSON.stringify(fitted)}, pair head alone ${JSON.stringify(headAlone)} of ${pieces.length} pieces`);
  });

  it('reads two lines in order', async () => {
    const pic = composeNumber(digits, [[pick(4), pick(1), pick(9)], [pick(6), pick(0), pick(5), pick(8)]], [style(3), style(4)], 4);
    const r = await readNumber(pic.image, model);
    assert.equal(r.lines.length, 2);
    assert.equal(r.text, pic.text);
    assert.deepEqual(r.lines.map((l) => l.text), pic.text.split('\n'));
    assert.ok(r.lines[0].box[1] < r.lines[1].box[1]);
  });

  it('puts a space where the gap is much wider than usual, and none for ordinary gaps', async () => {
    const idx = [pick(1), pick(2), pick(3), pick(4)];
    const spaced = await readNumber(composeNumber(digits, [idx], [style(4, [5, 40, 6])], 5).image, model);
    assert.equal(spaced.text, `${digits.labels[idx[0]]}${digits.labels[idx[1]]} ${digits.labels[idx[2]]}${digits.labels[idx[3]]}`);
    const even = await readNumber(composeNumber(digits, [idx], [style(4, [12, 14, 12])], 5).image, model);
    assert.doesNotMatch(even.text, / /);
  });

  it('gives "" and a warning for a blank picture', async () => {
    const blank = { width: 120, height: 60, gray: new Uint8Array(120 * 60).fill(230) };
    for (let i = 0; i < blank.gray.length; i += 7) blank.gray[i] = 226;
    const r = await readNumber(blank, model);
    assert.equal(r.text, '');
    assert.deepEqual(r.lines, []);
    assert.deepEqual(r.warnings, ['no writing found']);
  });

  it("averages the classifier's answers over the digit and its four one-pixel shifts", async () => {
    const pic = composeNumber(digits, [[pick(4), pick(7), pick(2)]], [style(3)], 12);
    const r = await readNumber(pic.image, model);
    assert.equal(r.text, pic.text);
    for (const d of r.lines[0].digits) {
      const views = SHIFTS.map(([right, down]) => shiftedPicture(d.input, 28, right, down));
      const answers = await predictDigits(model, views);
      const mean = answers[0].map((_, k) => answers.reduce((s, a) => s + a[k], 0) / views.length);
      assert.ok(mean.every((v, k) => Math.abs(v - d.probabilities[k]) < 1e-5), `${d.digit}: ${d.probabilities} is not the mean over the shifts`);
      const once = (await predictDigits(model, [d.input]))[0];
      assert.ok(once.some((v, k) => Math.abs(v - d.probabilities[k]) > 1e-5), `${d.digit}: the same as one look`);
    }
    // The reading is chosen on one look per candidate; only the digits read are looked at again.
    let asked = 0;
    const classify = modelClassifier(model);
    await readText(pic.image, (inputs) => ((asked += inputs.length), classify(inputs)), { judge: modelJudge(judgeModel) });
    let once = 0;
    await readText(pic.image, (inputs) => ((once += inputs.length), classify(inputs)), { judge: modelJudge(judgeModel), averageShifts: false });
    assert.ok(r.lines[0].digits.every((d) => d.readBy === 'classifier'));
    assert.equal(asked, once + (SHIFTS.length - 1) * r.lines[0].digits.length);
    // A model saved with shift averaging is read through the model it averages, to the same result.
    const wrapped = withShiftAveraging(model);
    assert.equal(shiftAveragedModel(wrapped), model);
    assert.equal(shiftAveragedModel(model), null);
    const viaWrapper = await readNumber(pic.image, wrapped);
    assert.deepEqual(viaWrapper.lines[0].digits.map((d) => d.probabilities), r.lines[0].digits.map((d) => d.probabilities));
    // ...also once saved and loaded, as `digit-lab read --model` gets it.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'digit-lab-read-wrapped-'));
    try {
      await saveModel(wrapped, dir, { modelName: 'seed_cnn_shifts (test)' });
      const loaded = (await loadModel(dir)).model;
      assert.ok(shiftAveragedModel(loaded), 'the loaded wrapper is not seen as one');
      const viaLoaded = await readNumber(pic.image, loaded);
      viaLoaded.lines[0].digits.forEach((d, i) => assert.ok(d.probabilities.every((v, k) => Math.abs(v - r.lines[0].digits[i].probabilities[k]) < 1e-5)));
      loaded.dispose();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('agrees with `predict` on each cut-out digit', async () => {
    const pic = composeNumber(digits, [[pick(8), pick(6), pick(1), pick(5), pick(9)]], [style(5, [4, 'touch', 5, 3])], 6);
    // predict asks the model once per picture: so does the reader without shift averaging.
    const r = await readWith(pic.image, model, { judgeModel, averageShifts: false });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'digit-lab-read-'));
    try {
      const files = r.lines[0].digits.map((d, i) => {
        const file = path.join(dir, `${i}.png`);
        writeGrayPng(file, d.cutout);
        return file;
      });
      const predicted = await predictImageFiles(MODEL_CACHE, files);
      // The touching 6 and 1 are read with the pair head's help; the other three by the classifier
      // alone, which is what predict runs on their cut-outs.
      assert.deepEqual(r.lines[0].digits.map((d) => d.readBy), ['classifier', 'pair head', 'pair head', 'classifier', 'classifier']);
      predicted.forEach((p, i) => {
        assert.ok(!('error' in p), JSON.stringify(p));
        if ('error' in p || r.lines[0].digits[i].readBy !== 'classifier') return;
        assert.equal(p.digit, r.lines[0].digits[i].digit);
        assert.ok(Math.abs(p.confidence - r.lines[0].digits[i].probability) < 1e-3);
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
