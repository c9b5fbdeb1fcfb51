/**
 * Augmented copies of a training set, as trainModel and the notebook's fitDataset route both make
 * them: chunk by chunk (bounded tensor memory), stored as uint8 like the originals (a copy of
 * 54,000 digits takes 42 MB, not 170 MB as float32), each chunk from its own seeded stream.
 */
import * as tf from '@tensorflow/tfjs';
import type { ImageSet } from '../data/types';
import { type AugmentOptions, augmentImages } from './augment';
import { concatImages, imageBatchTensor } from './batches';
import { augmentChunkSeed } from './train-seeds';

/** Images augmented per tensor operation. Part of what a seed means (one stream per chunk). */
export const AUGMENT_CHUNK = 1000;

/** Called after each chunk: which copy, pictures of it done, pictures per copy. */
export type AugmentChunkListener = (copy: number, done: number, total: number) => void | Promise<void>;

/** `set` followed by `copies` augmented copies of it; `seed` is the epoch's augmentation seed (augmentSeed). */
export async function withAugmentedCopies(set: ImageSet, options: AugmentOptions, copies: number, seed: number, onChunk?: AugmentChunkListener): Promise<ImageSet> {
  const parts: ImageSet[] = [set];
  const size = set.rows * set.cols;
  for (let copy = 1; copy <= copies; copy++) {
    const images = new Uint8Array(set.count * size);
    for (let start = 0; start < set.count; start += AUGMENT_CHUNK) {
      const count = Math.min(AUGMENT_CHUNK, set.count - start);
      const bytes = tf.tidy(() => {
        const moved = augmentImages(imageBatchTensor(set, start, count), options, augmentChunkSeed(seed, copy, start));
        return moved.mul(255).round().clipByValue(0, 255).toInt();
      });
      images.set(await bytes.data(), start * size);
      bytes.dispose();
      await onChunk?.(copy, start + count, set.count);
    }
    parts.push({ images, labels: set.labels, count: set.count, rows: set.rows, cols: set.cols });
  }
  return concatImages(parts);
}
