/**
 * Training data for TensorFlow.js's own `model.fitDataset`, made the way trainModel makes it:
 * the validation pictures held out from the end, one (or more) seeded augmented copies of every
 * training picture, and batches in a new seeded order each epoch. With these, a notebook trains
 * through the standard API and still repeats the recipe exactly (`fit` itself shuffles with
 * Math.random and knows nothing of augmentation).
 */
import * as tf from '@tensorflow/tfjs';
import { shuffledIndices } from '../common/random';
import type { ImageSet } from '../data/types';
import { type AugmentOptions, validateAugmentOptions } from './augment';
import { withAugmentedCopies } from './augmented-copies';
import { checkImageSet, gatherBatch, indexRange, selectImages } from './batches';
import { augmentSeed, shuffleSeed } from './train-seeds';

/** One batch as fitDataset takes it: [n, 28, 28, 1] float32 pixels in 0..1 and [n, 10] one-hot labels. */
export type ImageBatch = { xs: tf.Tensor4D; ys: tf.Tensor2D };

/**
 * Splits off the last `fraction` of a set for validation, as Keras' and trainModel's
 * validationSplit do (the pictures are copied; `validation` is absent when none are held out).
 */
export function holdOutLast(set: ImageSet, fraction: number): { train: ImageSet; validation?: ImageSet } {
  checkImageSet(set, 'holdOutLast');
  if (!(fraction >= 0 && fraction < 1)) throw new Error(`holdOutLast: the fraction must be in [0, 1), got ${fraction}`);
  const held = Math.floor(set.count * fraction);
  if (held === 0) return { train: set };
  const keep = set.count - held;
  return { train: selectImages(set, indexRange(0, keep)), validation: selectImages(set, indexRange(keep, held)) };
}

/** Options of augmentedTrainingSet. */
export interface AugmentedSetOptions {
  /** The random transforms, e.g. REFERENCE_AUGMENTATION. */
  augment: AugmentOptions;
  /** Augmented copies of every picture to add (default 1: the reference doubles the training set). */
  copies?: number;
  /** The run's seed: the same seed gives the same copies as trainModel's first epoch. */
  seed: number;
  /** Called after each chunk of pictures, e.g. to show progress on a large set. */
  onChunk?: (done: number, total: number) => void | Promise<void>;
}

/**
 * The training pictures followed by `copies` augmented copies of each, stored as uint8 like the
 * originals (a second copy of 54,000 digits takes 42 MB, not 170 MB as float32).
 */
export async function augmentedTrainingSet(set: ImageSet, options: AugmentedSetOptions): Promise<ImageSet> {
  checkImageSet(set, 'augmentedTrainingSet');
  validateAugmentOptions(options.augment);
  const copies = options.copies ?? 1;
  if (!Number.isInteger(copies) || copies < 0) throw new Error(`augmentedTrainingSet: copies must be a whole number >= 0, got ${copies}`);
  const onChunk = options.onChunk;
  return withAugmentedCopies(set, options.augment, copies, augmentSeed(options.seed, 0), onChunk && ((copy, done, total) => onChunk((copy - 1) * total + done, total * copies)));
}

/** Options of shuffledBatches. */
export interface ShuffledBatchesOptions {
  batchSize: number;
  /** The run's seed: epoch e uses the same order as trainModel's epoch e. */
  seed: number;
}

/**
 * The set as a tf.data dataset of {xs, ys} batches. Each pass over it (fitDataset makes one per
 * epoch) visits every picture once, in an order drawn from the seed and the pass's number, so
 * training repeats exactly. Batches are made one at a time from the uint8 pictures; fitDataset
 * disposes each after its step. The pass counter belongs to this dataset: look at batches
 * through a second one (or `take` from it before training, knowing that it counts as a pass).
 */
export function shuffledBatches(set: ImageSet, options: ShuffledBatchesOptions): tf.data.Dataset<ImageBatch> {
  checkImageSet(set, 'shuffledBatches');
  const { batchSize, seed } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`shuffledBatches: batchSize must be a positive integer, got ${batchSize}`);
  if (set.count === 0) throw new Error('shuffledBatches: the set is empty');
  let passes = 0;
  return tf.data.generator(function* () {
    const order = shuffledIndices(set.count, shuffleSeed(seed, passes++));
    for (let start = 0; start < set.count; start += batchSize) {
      yield gatherBatch(set, order.subarray(start, Math.min(start + batchSize, set.count)));
    }
  } as () => Iterator<ImageBatch>);
}

/** Options of freshlyAugmentedBatches. */
export interface FreshBatchesOptions {
  batchSize: number;
  /** The random transforms, e.g. STRONG_AUGMENTATION. */
  augment: AugmentOptions;
  /** Augmented copies of every picture added in each pass (default 1). */
  copies?: number;
  /** The run's seed: pass e gets the copies and the order of trainModel's fresh epoch e. */
  seed: number;
}

/**
 * Like shuffledBatches over augmentedTrainingSet, but every pass (fitDataset makes one per epoch)
 * draws new augmented copies, as trainModel does with `fresh`: the best recipe's data. The copies
 * are made at the start of each pass, so a pass begins with a pause of a few seconds.
 */
export function freshlyAugmentedBatches(set: ImageSet, options: FreshBatchesOptions): tf.data.Dataset<ImageBatch> {
  checkImageSet(set, 'freshlyAugmentedBatches');
  validateAugmentOptions(options.augment);
  const { batchSize, seed } = options;
  const copies = options.copies ?? 1;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`freshlyAugmentedBatches: batchSize must be a positive integer, got ${batchSize}`);
  if (!Number.isInteger(copies) || copies < 0) throw new Error(`freshlyAugmentedBatches: copies must be a whole number >= 0, got ${copies}`);
  if (set.count === 0) throw new Error('freshlyAugmentedBatches: the set is empty');
  let passes = 0;
  const pass = async function* (): AsyncGenerator<ImageBatch> {
    const epoch = passes++;
    const examples = await withAugmentedCopies(set, options.augment, copies, augmentSeed(seed, epoch));
    const order = shuffledIndices(examples.count, shuffleSeed(seed, epoch));
    for (let start = 0; start < examples.count; start += batchSize) {
      yield gatherBatch(examples, order.subarray(start, Math.min(start + batchSize, examples.count)));
    }
  };
  return tf.data.generator(pass as unknown as () => Iterator<ImageBatch>);
}
