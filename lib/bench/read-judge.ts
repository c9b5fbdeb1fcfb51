/**
 * Training the "one digit or two?" judge of the reader (lib/reading/judge.ts) on pieces of ink
 * composed from MNIST *training* digits only: single digits (negatives) and touching or
 * overlapping pairs (positives), written in the benchmark's range of sizes, slants, stroke widths,
 * paper shades and noise, and found by the reader's own steps (ink, lines, pieces); then its pair
 * head (lib/bench/read-pair.ts), joined to it as one model. Run with
 * `npx tsx lib/bench/read-judge.ts [MNIST_DIR] [OUT_DIR]` (defaults: ../shared/mnist, none): it
 * writes lib/reading/judge-model.ts, the model embedded in the reader (so the CLI, the bench and
 * the browser pad all have it), and with OUT_DIR also a model directory. KEEP_JUDGE=1 keeps the
 * embedded judge and retrains only the pair head; COUNT and PAIRS set the number of pieces.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { seededRandom } from '../common/random';
import { digitLabRoot } from '../common/paths';
import { findMnistDataset } from '../data';
import { loadMnistFromDirectory } from '../data/load';
import type { ImageSet } from '../data/types';
import { chooseTrainingBackend } from '../engine/choose';
import { saveModel } from '../model/persist';
import { loadJudgeModel } from '../reading/model';
import type { InkPiece } from '../reading/components';
import { candidateCuts, CUT_LIMITS } from '../reading/cuts';
import { judgeInput, JUDGE_HEIGHT, JUDGE_ONE, JUDGE_PART, JUDGE_TWO, JUDGE_WIDTH } from '../reading/judge';
import { composeNumber } from './read-numbers';
import { drawStyle, piecesOf } from './read-pieces';
import { judgeWithPairHead, trainPairHead } from './read-pair';

/**
 * Cuts through the 3 thinnest points only (the reader tries more): fewer right sides, so the
 * pairs are not outnumbered; a judge trained on the reader's full set of cuts read worse.
 */
function sampleCuts(piece: InkPiece, digitHeight: number, strength: Float32Array, width: number): ReturnType<typeof candidateCuts> {
  const saved = { ...CUT_LIMITS };
  Object.assign(CUT_LIMITS, { maxPoints: 3, seamReach: 0.3 });
  try {
    return candidateCuts(piece, digitHeight, strength, width);
  } finally {
    Object.assign(CUT_LIMITS, saved);
  }
}

/** Whether `piece` is the whole of the digit whose box is `box` (ink edges a little inside it). */
function matches(piece: InkPiece, box: [number, number, number, number], tolerance: number): boolean {
  return Math.abs(piece.x - box[0]) <= tolerance && Math.abs(piece.x + piece.width - (box[0] + box[2])) <= tolerance;
}

/**
 * `count` labelled judge inputs from the digits of `set`: JUDGE_ONE (a single digit, or a cut
 * that leaves exactly one of a pair's digits), JUDGE_TWO (a pair in one piece), JUDGE_PART (the
 * wrong side of a cut: part of a digit, or a digit with a bit of its neighbour).
 */
export function judgeExamples(set: ImageSet, count: number, seed: number): { inputs: Float32Array[]; labels: number[] } {
  const random = seededRandom(seed);
  const inputs: Float32Array[] = [];
  const labels: number[] = [];
  const pick = () => Math.floor(random() * set.count);
  const add = (input: Float32Array, label: number) => {
    inputs.push(input);
    labels.push(label);
  };
  while (inputs.length < count) {
    const two = random() < 0.5;
    const pic = composeNumber(set, [two ? [pick(), pick()] : [pick()]], [drawStyle(random, random() < 0.5 ? 'touch' : 'overlap')], Math.floor(random() * 2 ** 31));
    const { pieces, strength, digitHeight } = piecesOf(pic.image);
    if (pieces.length !== 1) continue;
    const w = pic.image.width;
    add(judgeInput(pieces[0], strength, w), two ? JUDGE_TWO : JUDGE_ONE);
    const tolerance = Math.max(2, Math.round(0.08 * digitHeight));
    const sides = sampleCuts(pieces[0], digitHeight, strength, w).flatMap((c) => [c.left, c.right]);
    const wrong: InkPiece[] = [];
    for (const side of sides) {
      if (two && pic.boxes[0].some((b) => matches(side, b, tolerance))) add(judgeInput(side, strength, w), JUDGE_ONE);
      else wrong.push(side);
    }
    for (let k = 0; k < 3 && wrong.length; k++) add(judgeInput(wrong.splice(Math.floor(random() * wrong.length), 1)[0], strength, w), JUDGE_PART);
  }
  return { inputs, labels };
}

function judgeModel(): tf.Sequential {
  const model = tf.sequential({ name: 'piece_judge' });
  model.add(tf.layers.conv2d({ inputShape: [JUDGE_HEIGHT, JUDGE_WIDTH, 1], filters: 16, kernelSize: 3, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 32, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }));
  model.add(tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }) }));
  return model;
}

function tensors(ex: { inputs: Float32Array[]; labels: number[] }): [tf.Tensor4D, tf.Tensor2D] {
  const x = new Float32Array(ex.inputs.length * JUDGE_HEIGHT * JUDGE_WIDTH);
  ex.inputs.forEach((v, i) => x.set(v, i * v.length));
  return [tf.tensor4d(x, [ex.inputs.length, JUDGE_HEIGHT, JUDGE_WIDTH, 1]), tf.oneHot(tf.tensor1d(ex.labels, 'int32'), 3).toFloat() as tf.Tensor2D];
}

/** Trains the one-or-two judge on `train`'s digits (about 40,000 pieces by default). */
async function trainJudge(train: ImageSet, count: number, log: (line: string) => void): Promise<tf.Sequential> {
  const examples = judgeExamples(train, count, 12);
  const check = judgeExamples(train, 4000, 13);
  log(`${examples.inputs.length} training pieces (${[0, 1, 2].map((c) => examples.labels.filter((l) => l === c).length).join(' / ')} one / two / part)`);
  const model = judgeModel();
  const [x, y] = tensors(examples);
  const [vx, vy] = tensors(check);
  // A fast start, then a slower finish (the validation accuracy jumps about at the fast rate).
  for (const [epochs, rate] of [[6, 0.002], [4, 0.0004]]) {
    model.compile({ optimizer: tf.train.adam(rate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    await model.fit(x, y, { epochs, batchSize: 128, shuffle: true, validationData: [vx, vy], verbose: 0, callbacks: { onEpochEnd: (e, logs) => log(`judge epoch ${e + 1} (rate ${rate}): loss ${logs?.loss?.toFixed(4)} acc ${logs?.acc?.toFixed(4)} val_acc ${logs?.val_acc?.toFixed(4)}`) } });
  }
  tf.dispose([x, y, vx, vy]);
  return model;
}

/**
 * The judge of the embedded model (its first three outputs) as a model of its own, so that the
 * pair head can be retrained alone (KEEP_JUDGE=1) without changing how pieces are judged.
 */
async function embeddedJudge(): Promise<tf.Sequential> {
  const embedded = await loadJudgeModel();
  const judge = judgeModel();
  const source = embedded.layers.filter((l) => l.getWeights().length > 0 && !l.name.startsWith('pair_'));
  const target = judge.layers.filter((l) => l.getWeights().length > 0);
  if (source.length !== target.length) throw new Error(`the embedded judge has ${source.length} weighted layers, judgeModel() ${target.length}`);
  target.forEach((layer, i) => layer.setWeights(source[i].getWeights()));
  embedded.dispose();
  return judge;
}

async function main(): Promise<void> {
  const [dir = path.join(digitLabRoot(), '..', 'shared', 'mnist'), out] = process.argv.slice(2);
  await chooseTrainingBackend(process.env.BACKEND ?? 'tensorflow', { quiet: true });
  const spec = findMnistDataset('mnist');
  if (!spec) throw new Error('internal: mnist is missing from the data catalogue');
  const train = loadMnistFromDirectory(dir, spec).train;
  const log = (line: string) => console.log(line);
  const judge = process.env.KEEP_JUDGE === '1' ? await embeddedJudge() : await trainJudge(train, Number(process.env.COUNT ?? 40000), log);
  const pair = await trainPairHead(train, Number(process.env.PAIRS ?? 120000), log);
  const model = judgeWithPairHead(judge, pair);
  const metadata = { modelName: 'piece_judge', dataSource: 'MNIST training digits: single digits, touching or overlapping pairs, and the sides of cuts through them' };
  if (out) await saveModel(model, out, metadata);
  await writeEmbedded(model, path.join(digitLabRoot(), 'lib', 'reading', 'judge-model.ts'));
}

/** Writes the model as a TypeScript module: its topology, weight specs and weights (base64). */
export async function writeEmbedded(model: tf.LayersModel, file: string): Promise<void> {
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    const weights = Buffer.from(tf.io.CompositeArrayBuffer.join(artifacts.weightData as ArrayBuffer));
    const text = [
      '/* eslint-disable */',
      '// Generated by lib/bench/read-judge.ts (trained on MNIST training digits only): do not edit.',
      '/** The reader\'s judge (one digit, two, or part of one; then its pair head): Keras topology and weight specs. */',
      `export const JUDGE_TOPOLOGY = ${JSON.stringify(artifacts.modelTopology)};`,
      `export const JUDGE_WEIGHT_SPECS = ${JSON.stringify(artifacts.weightSpecs)};`,
      '/** Its weights, float32 little-endian, base64. */',
      `export const JUDGE_WEIGHTS = '${weights.toString('base64')}';`,
      '',
    ].join('\n');
    const temp = `${file}.tmp-${process.pid}`;
    fs.writeFileSync(temp, text);
    fs.renameSync(temp, file);
    console.log(`wrote ${file} (${Math.round(text.length / 1024)} KB)`);
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
