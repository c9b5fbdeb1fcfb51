/**
 * How trainModel derives each random stream of a run from the run's one seed: every epoch's
 * shuffle, the augmented copies and every dropout mask. The arithmetic is part of what a seed
 * means: changing any of it changes every seeded result, so it stays as first written.
 */
import type { LayersModel } from '@tensorflow/tfjs';

/** Between the augmentation seeds of successive epochs; a prime, so it does not line up with the other offsets. */
const EPOCH_AUGMENT_STRIDE = 7919;

/**
 * Between the seeds of successive augmented copies. Chunk seeds add the chunk's first image index,
 * so copies of a set of up to this many images never share a seed within an epoch.
 */
const COPY_SEED_STRIDE = 100003;

/** mixSeed's stand-in for the batch and layer of a seed that belongs to the whole epoch. */
const WHOLE_EPOCH = -1;

/** The base seed of the augmented copies drawn for `epoch` (0-based). */
export function augmentSeed(seed: number, epoch: number): number {
  return seed + EPOCH_AUGMENT_STRIDE * (epoch + 1);
}

/** The seed of one chunk of one augmented copy (`copy` is 1-based, `start` the chunk's first image). */
export function augmentChunkSeed(copiesSeed: number, copy: number, start: number): number {
  return copiesSeed + copy * COPY_SEED_STRIDE + start;
}

/** The seed of `epoch`'s shuffle of the training examples. */
export function shuffleSeed(seed: number, epoch: number): number {
  return mixSeed(seed, epoch, WHOLE_EPOCH, WHOLE_EPOCH);
}

/**
 * The mask seed of the `layer`-th dropout layer on one batch. A fixed seed would repeat one mask
 * on every batch; this gives fresh masks that still repeat exactly from run to run.
 */
function dropoutSeed(seed: number, epoch: number, batch: number, layer: number): number {
  return mixSeed(seed, epoch, batch, layer);
}

/** Hashes the run seed with three indices (the golden-ratio increment and MurmurHash3's multiplier). */
function mixSeed(seed: number, epoch: number, batch: number, layer: number): number {
  let h = seed >>> 0;
  for (const v of [epoch, batch, layer]) h = Math.imul(h ^ (v + 0x9e3779b9), 0x85ebca6b) >>> 0;
  return h;
}

/** A dropout layer as far as its mask seed goes (tfjs keeps it in a field the typings do not show). */
interface SeedableLayer {
  seed?: number;
}

/** A layer, or a model nested as one (a deskewed member wraps its network so). */
interface MaybeNested {
  getClassName(): string;
  layers?: MaybeNested[];
}

/** The model's layers, those of nested models in their place, depth first. */
function innermostLayers(model: { layers: MaybeNested[] }): MaybeNested[] {
  return model.layers.flatMap((layer) => (Array.isArray(layer.layers) ? innermostLayers({ layers: layer.layers }) : [layer]));
}

/**
 * The model's dropout layers (nested models' included), whose mask seeds a run sets batch by batch: tfjs draws masks from
 * Math.random unless a layer has a seed. restore() puts the layers' own seeds back.
 */
export class DropoutSeeds {
  private readonly layers: SeedableLayer[];
  private readonly ownSeeds: (number | undefined)[];

  constructor(model: LayersModel) {
    this.layers = innermostLayers(model)
      .filter((layer) => layer.getClassName().includes('Dropout'))
      .map((layer) => layer as unknown as SeedableLayer);
    this.ownSeeds = this.layers.map((layer) => layer.seed);
  }

  /** Gives every dropout layer its seed for one batch. */
  reseed(seed: number, epoch: number, batch: number): void {
    this.layers.forEach((layer, k) => (layer.seed = dropoutSeed(seed, epoch, batch, k)));
  }

  restore(): void {
    this.layers.forEach((layer, k) => (layer.seed = this.ownSeeds[k]));
  }
}
