/** CNN models for 28x28x1 digits. */
import * as tf from '@tensorflow/tfjs';
import { MODEL_NAME_ALIASES, MODEL_NAMES, resolveModelName, type ModelName } from './model-names';

export { MODEL_NAME_ALIASES, MODEL_NAMES, resolveModelName, type ModelName } from './model-names';

type Initializer = ReturnType<typeof tf.initializers.glorotUniform>;

/**
 * Glorot-uniform initialisers seeded `seed + offset` for the layer at `offset`, so a seeded model
 * repeats exactly; without a seed, undefined (tfjs's own unseeded default).
 */
function seededGlorot(seed: number | undefined): (offset: number) => Initializer | undefined {
  return (offset) => (seed === undefined ? undefined : tf.initializers.glorotUniform({ seed: seed + offset }));
}

/**
 * The reference Keras model, layer for layer: Conv 64 3x3 relu, MaxPool 2, Conv 128 2x2 relu,
 * MaxPool 2, Flatten, Dense 128/64/32 relu, Dense 10 softmax; Adam (lr 1e-3), categorical
 * cross-entropy. 634,154 parameters.
 */
export function referenceCnn(options: CreateModelOptions = {}): tf.LayersModel {
  const init = seededGlorot(options.seed);
  const model = tf.sequential({ name: options.name ?? 'reference_cnn' });
  model.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 64, kernelSize: 3, activation: 'relu', kernelInitializer: init(1) }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.conv2d({ filters: 128, kernelSize: 2, activation: 'relu', kernelInitializer: init(2) }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 128, activation: 'relu', kernelInitializer: init(3) }));
  model.add(tf.layers.dense({ units: 64, activation: 'relu', kernelInitializer: init(4) }));
  model.add(tf.layers.dense({ units: 32, activation: 'relu', kernelInitializer: init(5) }));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(6) }));
  model.compile({
    optimizer: tf.train.adam(options.learningRate ?? 1e-3),
    loss: 'categoricalCrossentropy',
    metrics: ['accuracy'],
  });
  return model;
}

/**
 * He-normal initialisers seeded `seed + 1`, `seed + 2`, ... in the order layers ask for them, so a
 * seeded model repeats exactly; without a seed, undefined (tfjs's own unseeded default).
 */
function seededHeNormal(seed: number | undefined): () => Initializer | undefined {
  let offset = 0;
  return () => (seed === undefined ? undefined : tf.initializers.heNormal({ seed: seed + ++offset }));
}

/** Flatten, a dense layer with batch norm, relu and dropout, then the 10-way softmax. */
function addNormedClassifier(
  model: tf.Sequential, head: { units: number; dropout: number; init: () => Initializer | undefined },
): void {
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: head.units, useBias: false, kernelInitializer: head.init() }));
  model.add(tf.layers.batchNormalization());
  model.add(tf.layers.activation({ activation: 'relu' }));
  model.add(tf.layers.dropout({ rate: head.dropout }));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: head.init() }));
}

/** Compiles with Adam at `learningRate`, categorical cross-entropy and accuracy; returns the model. */
export function compileAdam<M extends tf.LayersModel>(model: M, learningRate: number): M {
  model.compile({ optimizer: tf.train.adam(learningRate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

/** Options of the stronger model. */
export interface StrongCnnOptions {
  /** Initial Adam learning rate (default 2e-3); a schedule passed to trainModel may change it per epoch. */
  learningRate?: number;
  /** Seed of the weight initialisers (dropout masks are not seeded; see trainModel). */
  seed?: number;
  /** Dropout after each conv block (default 0.25) and before the classifier (default 0.4). */
  convDropout?: number;
  denseDropout?: number;
  /** Filters of the first block; the second block has twice as many (default 32). */
  filters?: number;
}

/**
 * The earlier stronger model (99.64% after 23 minutes of training on wasm; 'best' is now
 * compactCnn, which gets there four times sooner): two VGG-style blocks (two 3x3 'same' convolutions with
 * batch norm and relu, then 2x2 max pooling and dropout), a 256-unit dense layer with batch norm,
 * dropout and a 10-way softmax. Batch norm lets it train with a larger learning rate that a
 * schedule then decays; dropout and augmentation keep it from memorising the 60k digits.
 * Only ops that the seed model also uses (conv2d, max pooling, dense) plus batch norm, so the
 * engine's training kernels apply to it as well.
 */
export function strongCnn(options: StrongCnnOptions = {}): tf.LayersModel {
  const f = options.filters ?? 32;
  const init = seededHeNormal(options.seed);
  const model = tf.sequential({ name: 'strong_cnn' });
  const convBn = (filters: number, first = false) => {
    model.add(tf.layers.conv2d({
      ...(first ? { inputShape: [28, 28, 1] } : {}),
      filters, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: init(),
    }));
    model.add(tf.layers.batchNormalization());
    model.add(tf.layers.activation({ activation: 'relu' }));
  };
  convBn(f, true);
  convBn(f);
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.dropout({ rate: options.convDropout ?? 0.25 }));
  convBn(2 * f);
  convBn(2 * f);
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.dropout({ rate: options.convDropout ?? 0.25 }));
  addNormedClassifier(model, { units: 256, dropout: options.denseDropout ?? 0.4, init });
  return compileAdam(model, options.learningRate ?? 2e-3);
}

/** Options of the compact model. */
export interface CompactCnnOptions extends CreateModelOptions {
  /** Initial (peak) Adam learning rate (default 3e-3); the default schedule warms up to it and decays. */
  learningRate?: number;
  /** Seed of the weight initialisers. */
  seed?: number;
  /** Filters of the first convolution; the two later ones have twice as many (default 24). */
  filters?: number;
  /** Units of the dense layer before the classifier (default 256). */
  units?: number;
  /** Dropout before the classifier (default 0.4). */
  dropout?: number;
}

/**
 * The "best" model, designed for accuracy per second of training on two CPU cores: one cheap 3x3
 * convolution at full resolution (no batch norm there: on wasm its elementwise work cost as much
 * as the convolution), pooling early, then two 3x3 convolutions with batch norm at 11x11 and 9x9,
 * pooling, a 256-unit dense layer with batch norm and dropout, and the softmax. 231,930
 * parameters and 3.4M multiply-adds per digit, cheaper to train than the reference CNN (about
 * 890 examples/s on wasm here, against 720 for the reference and 200 for strongCnn; about 1,200
 * with the engine's batch-norm gradient, lib/engine/batch-norm-training.ts).
 */
export function compactCnn(options: CompactCnnOptions = {}): tf.LayersModel {
  const f = options.filters ?? 24;
  const init = seededHeNormal(options.seed);
  const model = tf.sequential({ name: options.name ?? 'compact_cnn' });
  model.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: f, kernelSize: 3, activation: 'relu', kernelInitializer: init() }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  for (let i = 0; i < 2; i++) {
    model.add(tf.layers.conv2d({ filters: 2 * f, kernelSize: 3, useBias: false, kernelInitializer: init() }));
    model.add(tf.layers.batchNormalization());
    model.add(tf.layers.activation({ activation: 'relu' }));
  }
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  addNormedClassifier(model, { units: options.units ?? 256, dropout: options.dropout ?? 0.4, init });
  return compileAdam(model, options.learningRate ?? 3e-3);
}

/**
 * A deliberately small CNN (conv 8 3x3, max pool, dense 10; 13,610 parameters) for smoke tests and
 * quick demos: it trains in seconds even on the plain cpu backend and still reaches ~95% on MNIST.
 */
export function tinyCnn(options: CreateModelOptions = {}): tf.LayersModel {
  const init = seededGlorot(options.seed);
  const model = tf.sequential({ name: options.name ?? 'tiny_cnn' });
  model.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 3, activation: 'relu', kernelInitializer: init(1) }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(2) }));
  model.compile({ optimizer: tf.train.adam(options.learningRate ?? 3e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

/** Options shared by every model factory. */
export interface CreateModelOptions {
  learningRate?: number;
  seed?: number;
  /** The model's name (default: its architecture's, e.g. 'compact_cnn'); members of an ensemble need their own. */
  name?: string;
}

/** The reference CNN under its older name. */
export const seedCnn = referenceCnn;

/**
 * Builds a compiled model by name: 'reference' is the reference CNN ('seed' too, its older
 * name), 'best' the stronger one, 'tiny' a toy.
 */
export function createModel(name: ModelName | keyof typeof MODEL_NAME_ALIASES, options: CreateModelOptions = {}): tf.LayersModel {
  switch (resolveModelName(name)) {
    case 'reference':
      return referenceCnn(options);
    case 'best':
      return compactCnn(options);
    case 'tiny':
      return tinyCnn(options);
    default:
      throw new Error(`unknown model "${String(name)}": expected one of ${MODEL_NAMES.join(', ')}`);
  }
}

/** Fraction of a one-cycle run spent warming up, and the rate it starts from and ends at (of the peak). */
export const ONE_CYCLE = Object.freeze({ warmup: 0.15, start: 0.1, end: 0.01 });

/**
 * A one-cycle learning rate at (fractional, 0-based) `epoch` of `epochs`: a linear warm-up from
 * 10% of `peak` over the first 15% of the run, then a cosine decay to 1% of it at the end. The
 * warm-up lets batch norm settle before the large steps; the long low tail is where the last
 * tenths of a percent come from, so short and long runs both end with small steps.
 */
export function oneCycleRate(epoch: number, peak: number, epochs: number): number {
  const t = Math.min(1, Math.max(0, epoch / epochs));
  const { warmup, start, end } = ONE_CYCLE;
  if (t < warmup) return peak * (start + (1 - start) * (t / warmup));
  return peak * (end + (1 - end) * 0.5 * (1 + Math.cos(Math.PI * (t - warmup) / (1 - warmup))));
}

/**
 * The learning-rate schedule that goes with a model name (epoch is 0-based and may be
 * fractional, of `epochs`): constant for the reference recipe, as in the reference notebook;
 * one-cycle (oneCycleRate, peaking at the optimizer's initial rate) for the best model.
 */
export function defaultLearningRateSchedule(name: ModelName | keyof typeof MODEL_NAME_ALIASES): ((epoch: number, initial: number, epochs: number) => number) | undefined {
  if (resolveModelName(name) !== 'best') return undefined;
  return oneCycleRate;
}

/** One row of a layer table: what the notebook shows under "the model". */
export interface ModelSummaryRow {
  name: string;
  type: string;
  /** Output shape with the batch dimension as null, e.g. [null, 26, 26, 64]. */
  outputShape: (number | null)[];
  params: number;
}

/** The model's layers as rows (name, class, output shape, parameter count), in order. */
export function modelSummaryRows(model: tf.LayersModel): ModelSummaryRow[] {
  return model.layers.map((layer) => {
    const shape = layer.outputShape;
    // A layer with several outputs reports a list of shapes; our models have one, show the first.
    const first = (Array.isArray(shape[0]) ? shape[0] : shape) as (number | null)[];
    return { name: layer.name, type: layer.getClassName(), outputShape: [...first], params: layer.countParams() };
  });
}
