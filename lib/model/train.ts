/**
 * The training loop: seeded shuffling, optional augmented copies of the training set, a
 * learning-rate schedule, validation, early stopping, best checkpoints and progress. Batches are
 * built one at a time from uint8 images and fed with `trainOnBatch`, so memory stays flat and the
 * backend's kernels (whichever initBackend picked) do the work.
 */
import * as tf from '@tensorflow/tfjs';
import { AugmentOptions, augmentImages } from './augment';
import { evaluateModel } from './evaluate';
import { saveModel, SavedModelMetadata } from './persist';
import {
  LabeledImages, checkLabeledImages, concatImages, gatherBatch, imageBatchTensor, selectImages, shuffledIndices,
} from './batches';
import { EpochRecord, ProgressMode, ProgressStream, TrainingEvent, consoleProgress } from './train-progress';

export type { LabeledImages } from './batches';
export type { EpochRecord, TrainingEvent, ProgressMode, ProgressStream } from './train-progress';
export { formatEpochLine, consoleProgress } from './train-progress';

/** Augmentation of the training set: `copies` augmented copies are added to the originals. */
export interface TrainAugmentation {
  options: AugmentOptions;
  /** How many augmented copies to add (default 1: the reference doubles the training set). */
  copies?: number;
  /** Draw new augmented copies every epoch instead of once (more variety, same memory). */
  fresh?: boolean;
}

/** Which number early stopping and checkpoints watch. */
export type MonitoredMetric = 'valLoss' | 'valAcc' | 'loss' | 'acc';

/** Options of trainModel; every field is optional. */
export interface TrainOptions {
  epochs?: number;
  batchSize?: number;
  /** Fraction of the training set held out for validation, taken from its end as Keras does. */
  validationSplit?: number;
  /** An explicit validation set (wins over validationSplit). */
  validationData?: LabeledImages;
  augment?: TrainAugmentation;
  /** Seeds the shuffling and the augmentation (default: a random seed, returned in the result). */
  seed?: number;
  /** Learning rate for each 0-based epoch, given the optimizer's initial rate and the epoch count. */
  learningRateSchedule?: (epoch: number, initial: number, epochs: number) => number;
  /** Stop when the monitored metric has not improved for `patience` epochs. */
  earlyStopping?: { patience: number; minDelta?: number; restoreBest?: boolean };
  /** Metric for early stopping and checkpoints (default valLoss with validation data, else loss). */
  monitor?: MonitoredMetric;
  /** Save the best model so far here (tfjs layers format) after each improving epoch. */
  checkpointDir?: string;
  checkpointMetadata?: SavedModelMetadata;
  /** Console progress on `progressStream` (default 'auto': a bar on a TTY, a line per epoch otherwise). */
  progress?: ProgressMode;
  progressStream?: ProgressStream;
  /** Called with every progress event; awaited, so a notebook can render between batches. */
  onProgress?: (event: TrainingEvent) => void | Promise<void>;
  /** Emit a 'batch' event every this many batches (default: about 50 per epoch). */
  batchEventEvery?: number;
}

/** What trainModel returns. */
export interface TrainResult {
  history: EpochRecord[];
  /** 1-based epoch with the best monitored value. */
  bestEpoch: number;
  monitor: MonitoredMetric;
  stoppedEarly: boolean;
  /** Whether the best epoch's weights were put back at the end. */
  restoredBest: boolean;
  seed: number;
  trainExamples: number;
  validationExamples: number;
  /** Wall time of the whole call, augmentation and validation included. */
  seconds: number;
}

const AUGMENT_CHUNK = 1000;
const initialRates = new WeakMap<object, number>();

/** Trains a compiled model on labelled uint8 images (e.g. MnistData.train). */
export async function trainModel(model: tf.LayersModel, data: LabeledImages, options: TrainOptions = {}): Promise<TrainResult> {
  const started = performance.now();
  checkLabeledImages(data, 'training data');
  const epochs = positiveInt(options.epochs ?? 5, 'epochs');
  const batchSize = positiveInt(options.batchSize ?? 128, 'batchSize');
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  if (!model.optimizer) throw new Error('trainModel: the model is not compiled (call model.compile first)');

  const { train, validation } = splitValidation(data, options);
  if (train.count === 0) throw new Error('trainModel: no training examples left after the validation split');
  const monitor: MonitoredMetric = options.monitor ?? (validation ? 'valLoss' : 'loss');
  if (monitor.startsWith('val') && !validation) throw new Error(`trainModel: monitor ${monitor} needs validation data`);

  const show = consoleProgress(options.progress ?? 'auto', options.progressStream);
  const emit = async (event: TrainingEvent) => {
    show?.(event);
    await options.onProgress?.(event);
  };

  const copies = options.augment ? Math.max(0, Math.floor(options.augment.copies ?? 1)) : 0;
  const trainExamples = train.count * (1 + copies);
  const batches = Math.ceil(trainExamples / batchSize);
  const every = options.batchEventEvery ?? Math.max(1, Math.round(batches / 50));
  await emit({ kind: 'start', epochs, batchesPerEpoch: batches, trainExamples, validationExamples: validation?.count ?? 0 });

  const optimizer = model.optimizer as unknown as { learningRate: number };
  // A schedule starts from the rate the optimizer was built with, also when training resumes
  // after an earlier call has decayed it.
  if (!initialRates.has(optimizer)) initialRates.set(optimizer, optimizer.learningRate);
  const initialLr = initialRates.get(optimizer)!;
  const history: EpochRecord[] = [];
  let best = { value: Infinity, epoch: 0 };
  let bestWeights: tf.Tensor[] | undefined;
  let stale = 0;
  let stoppedEarly = false;
  let epochData: LabeledImages = train;
  const dropouts = seedableDropouts(model);

  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      if (options.augment && copies > 0 && (epoch === 0 || options.augment.fresh)) {
        epochData = await withAugmentedCopies(train, options.augment.options, copies, seed + 7919 * (epoch + 1), emit);
      }
      const lr = options.learningRateSchedule ? options.learningRateSchedule(epoch, initialLr, epochs) : optimizer.learningRate;
      optimizer.learningRate = lr;

      const order = shuffledIndices(epochData.count, mixSeed(seed, epoch, -1, -1));
      const t0 = performance.now();
      let lossSum = 0;
      let accSum = 0;
      let seen = 0;
      for (let b = 0; b < batches; b++) {
        const indices = order.subarray(b * batchSize, Math.min((b + 1) * batchSize, epochData.count));
        const { xs, ys } = gatherBatch(epochData, indices);
        dropouts.forEach((layer, k) => (layer.seed = mixSeed(seed, epoch, b, k)));
        let out: number | number[];
        try {
          out = await model.trainOnBatch(xs, ys);
        } finally {
          xs.dispose();
          ys.dispose();
        }
        const [loss, acc] = Array.isArray(out) ? out : [out, NaN];
        lossSum += loss * indices.length;
        accSum += acc * indices.length;
        seen += indices.length;
        if (!Number.isFinite(loss)) throw new Error(`training diverged: loss is ${loss} at epoch ${epoch + 1}, batch ${b + 1} (try a lower learning rate)`);
        if ((b + 1) % every === 0 || b + 1 === batches) {
          const secs = (performance.now() - t0) / 1000;
          await emit({ kind: 'batch', epoch: epoch + 1, epochs, batch: b + 1, batches, loss: lossSum / seen, acc: accSum / seen, examplesPerSec: seen / secs });
        }
      }
      const seconds = (performance.now() - t0) / 1000;
      const record: EpochRecord = { epoch: epoch + 1, loss: lossSum / seen, acc: accSum / seen, lr, seconds, examplesPerSec: seen / seconds };
      if (validation) {
        const report = await evaluateModel(model, validation, { batchSize: Math.max(batchSize, 256), maxMisclassified: 0 });
        record.valLoss = report.loss;
        record.valAcc = report.accuracy;
      }
      history.push(record);

      const value = monitoredValue(record, monitor);
      const minDelta = options.earlyStopping?.minDelta ?? 0;
      const improved = value < best.value - minDelta;
      if (improved) {
        best = { value, epoch: epoch + 1 };
        stale = 0;
        if (options.earlyStopping?.restoreBest !== false && options.earlyStopping) {
          bestWeights?.forEach((w) => w.dispose());
          bestWeights = snapshotWeights(model);
        }
        if (options.checkpointDir) {
          await saveModel(model, options.checkpointDir, { ...options.checkpointMetadata, epoch: epoch + 1, monitor, [monitor]: record[monitor] });
        }
      } else {
        stale++;
      }
      await emit({ kind: 'epoch', epochs, record, improved });
      if (options.earlyStopping && stale >= options.earlyStopping.patience && epoch + 1 < epochs) {
        stoppedEarly = true;
        break;
      }
    }
    let restoredBest = false;
    if (bestWeights && best.epoch !== history.length) {
      model.setWeights(bestWeights);
      restoredBest = true;
    }
    await emit({ kind: 'end', stoppedEarly, bestEpoch: best.epoch, restoredBest });
    return {
      history, bestEpoch: best.epoch, monitor, stoppedEarly, restoredBest, seed,
      trainExamples, validationExamples: validation?.count ?? 0,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    bestWeights?.forEach((w) => w.dispose());
    dropouts.forEach((layer) => (layer.seed = layer.originalSeed));
  }
}

/**
 * Dropout layers whose mask seed we set per batch. tfjs draws masks from Math.random unless a
 * layer has a seed, and a fixed seed would repeat one mask on every batch; a seed derived from
 * (run seed, epoch, batch, layer) gives fresh masks that repeat exactly from run to run.
 */
function seedableDropouts(model: tf.LayersModel): { seed?: number; originalSeed?: number }[] {
  return model.layers
    .filter((layer) => layer.getClassName().includes('Dropout'))
    .map((layer) => {
      const l = layer as unknown as { seed?: number; originalSeed?: number };
      l.originalSeed = l.seed;
      return l;
    });
}

function mixSeed(seed: number, epoch: number, batch: number, layer: number): number {
  let h = seed >>> 0;
  for (const v of [epoch, batch, layer]) h = Math.imul(h ^ (v + 0x9e3779b9), 0x85ebca6b) >>> 0;
  return h;
}

function positiveInt(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`trainModel: ${name} must be a positive integer, got ${value}`);
  return value;
}

function splitValidation(data: LabeledImages, options: TrainOptions): { train: LabeledImages; validation?: LabeledImages } {
  if (options.validationData) {
    checkLabeledImages(options.validationData, 'validation data');
    return { train: data, validation: options.validationData };
  }
  const split = options.validationSplit ?? 0;
  if (!(split >= 0 && split < 1)) throw new Error(`trainModel: validationSplit must be in [0, 1), got ${split}`);
  const held = Math.floor(data.count * split);
  if (held === 0) return { train: data };
  const keep = data.count - held;
  const range = (from: number, n: number) => Uint32Array.from({ length: n }, (_, i) => from + i);
  return { train: selectImages(data, range(0, keep)), validation: selectImages(data, range(keep, held)) };
}

/** Lower is better for every monitored value, so accuracies are negated. */
function monitoredValue(record: EpochRecord, monitor: MonitoredMetric): number {
  const v = record[monitor];
  if (v === undefined) throw new Error(`trainModel: ${monitor} was not measured`);
  return monitor === 'acc' || monitor === 'valAcc' ? -v : v;
}

/** Copies of the current weights: the variables themselves are updated in place by the optimizer. */
function snapshotWeights(model: tf.LayersModel): tf.Tensor[] {
  return tf.tidy(() => model.getWeights().map((w) => w.clone()));
}

/**
 * The originals followed by `copies` augmented copies, stored as uint8 (rounded) so 120k images
 * take 94 MB instead of 376 MB as float32. Augmentation runs in chunks to bound tensor memory.
 */
async function withAugmentedCopies(
  set: LabeledImages, options: AugmentOptions, copies: number, seed: number, emit: (e: TrainingEvent) => Promise<void>,
): Promise<LabeledImages> {
  const size = set.rows * set.cols;
  const parts: LabeledImages[] = [set];
  for (let copy = 1; copy <= copies; copy++) {
    const images = new Uint8Array(set.count * size);
    for (let start = 0; start < set.count; start += AUGMENT_CHUNK) {
      const count = Math.min(AUGMENT_CHUNK, set.count - start);
      const scaled = tf.tidy(() => {
        const augmented = augmentImages(imageBatchTensor(set, start, count), options, seed + copy * 100003 + start);
        return augmented.mul(255).round().clipByValue(0, 255).toInt();
      });
      images.set(await scaled.data(), start * size);
      scaled.dispose();
      await emit({ kind: 'augment', copy, copies, done: start + count, total: set.count });
    }
    parts.push({ images, labels: set.labels, count: set.count, rows: set.rows, cols: set.cols });
  }
  return concatImages(parts);
}
