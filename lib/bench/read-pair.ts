/**
 * The judge's pair head (lib/reading/judge.ts, JUDGE_PAIR): which two digits a piece of two
 * touching or overlapping digits shows, trained on pairs composed from MNIST *training* digits
 * in the benchmark's range of styles and found by the reader's own steps, then joined to the
 * one-or-two judge as one model with one output (3 + 101 values), so that everything that runs
 * the judge (CLI, bench, browser pad) gets the pair head without a second model to carry.
 */
import * as tf from '@tensorflow/tfjs';
import { seededRandom } from '../common/random';
import type { ImageSet } from '../data/types';
import { judgeInput, JUDGE_HEIGHT, JUDGE_JOIN_LAYER, JUDGE_WIDTH } from '../reading/judge';
import { drawStyle, piecesOf } from './read-pieces';
import { composeNumber } from './read-numbers';

/** The pair head's last class: the piece is one digit, not a pair. */
export const NOT_A_PAIR = 100;
/** The share of single digits among the pair head's training pieces. */
const SINGLES = 0.2;

/**
 * `count` pieces: two digits in one piece (touching or overlapping, half each), labelled 10a + b,
 * and single digits, labelled NOT_A_PAIR, so that the head's confidence in a pair means something
 * on a piece that is one wide digit.
 */
export function pairExamples(set: ImageSet, count: number, seed: number): { x: Float32Array; labels: number[] } {
  const random = seededRandom(seed);
  const size = JUDGE_HEIGHT * JUDGE_WIDTH;
  const x = new Float32Array(count * size);
  const labels: number[] = [];
  const pick = () => Math.floor(random() * set.count);
  while (labels.length < count) {
    const single = random() < SINGLES;
    const a = pick();
    const b = pick();
    const pic = composeNumber(set, [single ? [a] : [a, b]], [drawStyle(random, random() < 0.5 ? 'touch' : 'overlap')], Math.floor(random() * 2 ** 31));
    const { pieces, strength } = piecesOf(pic.image);
    // Pairs the reader sees as two pieces never reach the pair head.
    if (pieces.length !== 1) continue;
    x.set(judgeInput(pieces[0], strength, pic.image.width), labels.length * size);
    labels.push(single ? NOT_A_PAIR : set.labels[a] * 10 + set.labels[b]);
  }
  return { x, labels };
}

/** The pair head: four conv blocks down to 1x3 (left, middle, right), then the 100 pairs and NOT_A_PAIR. */
export function pairModel(): tf.Sequential {
  const model = tf.sequential({ name: 'pair_reader' });
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  model.add(tf.layers.conv2d({ name: 'pair_conv1', inputShape: [JUDGE_HEIGHT, JUDGE_WIDTH, 1], filters: 24, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(11) }));
  model.add(tf.layers.maxPooling2d({ name: 'pair_pool1', poolSize: 2 }));
  model.add(tf.layers.conv2d({ name: 'pair_conv2', filters: 48, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(12) }));
  model.add(tf.layers.maxPooling2d({ name: 'pair_pool2', poolSize: 2 }));
  model.add(tf.layers.conv2d({ name: 'pair_conv3', filters: 64, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(13) }));
  model.add(tf.layers.maxPooling2d({ name: 'pair_pool3', poolSize: 2 }));
  model.add(tf.layers.conv2d({ name: 'pair_conv4', filters: 96, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(14) }));
  model.add(tf.layers.maxPooling2d({ name: 'pair_pool4', poolSize: 2 }));
  model.add(tf.layers.flatten({ name: 'pair_flatten' }));
  model.add(tf.layers.dense({ name: 'pair_dense1', units: 160, activation: 'relu', kernelInitializer: init(15) }));
  model.add(tf.layers.dropout({ name: 'pair_dropout', rate: 0.3, seed: 16 }));
  model.add(tf.layers.dense({ name: 'pair_dense2', units: NOT_A_PAIR + 1, activation: 'softmax', kernelInitializer: init(17) }));
  return model;
}

/** Trains the pair head on `train`'s digits, reporting each epoch's validation accuracy. */
export async function trainPairHead(train: ImageSet, count: number, log: (line: string) => void): Promise<tf.Sequential> {
  const size = JUDGE_HEIGHT * JUDGE_WIDTH;
  const tensors = (ex: { x: Float32Array; labels: number[] }): [tf.Tensor4D, tf.Tensor2D] => [
    tf.tensor4d(ex.x, [ex.labels.length, JUDGE_HEIGHT, JUDGE_WIDTH, 1]),
    tf.oneHot(tf.tensor1d(ex.labels, 'int32'), NOT_A_PAIR + 1).toFloat() as tf.Tensor2D,
  ];
  const [x, y] = tensors(pairExamples(train, count, 21));
  const [vx, vy] = tensors(pairExamples(train, Math.max(1000, Math.round(count / 16)), 22));
  log(`${count} training pairs (${x.size / size} pieces)`);
  const model = pairModel();
  for (const [epochs, rate] of [[8, 0.002], [3, 0.0004]]) {
    model.compile({ optimizer: tf.train.adam(rate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    await model.fit(x, y, { epochs, batchSize: 128, shuffle: true, validationData: [vx, vy], verbose: 0, callbacks: { onEpochEnd: (e, logs) => log(`pair head epoch ${e + 1} (rate ${rate}): loss ${logs?.loss?.toFixed(4)} acc ${logs?.acc?.toFixed(4)} val_acc ${logs?.val_acc?.toFixed(4)}`) } });
  }
  tf.dispose([x, y, vx, vy]);
  return model;
}

/**
 * One model with the judge's three classes followed by the pair head's 101 (the layers of both,
 * weights shared, side by side on one input).
 */
export function judgeWithPairHead(judge: tf.LayersModel, pair: tf.LayersModel): tf.LayersModel {
  const input = tf.input({ shape: [JUDGE_HEIGHT, JUDGE_WIDTH, 1], name: 'piece' });
  const branch = (model: tf.LayersModel) => model.layers.reduce<tf.SymbolicTensor>((x, layer) => layer.apply(x) as tf.SymbolicTensor, input);
  const output = tf.layers.concatenate({ name: JUDGE_JOIN_LAYER }).apply([branch(judge), branch(pair)]) as tf.SymbolicTensor;
  return tf.model({ name: 'piece_judge', inputs: input, outputs: output });
}
