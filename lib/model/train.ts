/**
 * The training loop: seeded shuffling, optional augmented copies of the training set, a
 * learning-rate schedule, validation, early stopping, best checkpoints and progress. Batches are
 * built one at a time from uint8 images and fed with `trainOnBatch`, so memory stays flat and the
 * backend's kernels (whichever initBackend picked) do the work.
 */
import * as tf from '@tensorflow/tfjs';
import { shuffledIndices } from '../common/random';
import type { ImageSet } from '../data/types';
import { type AugmentOptions, validateAugmentOptions } from './augment';
import { withAugmentedCopies } from './augmented-copies';
import { checkImageSet, gatherBatch } from './batches';
import { BestEpoch, EarlyStopping, MonitoredMetric } from './best-epoch';
import { evaluateModel } from './evaluate';
import { checkModelOutputDir, saveModel, SavedModelMetadata } from './persist';
import { EpochRecord, ProgressMode, ProgressStream, TrainingEvent, consoleProgress } from './train-progress';
import { augmentSeed, DropoutSeeds, shuffleSeed } from './train-seeds';
import { holdOutLast } from './fit-data';

export type { EarlyStopping, MonitoredMetric } from './best-epoch';
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

/** Options of trainModel; every field is optional. */
export interface TrainOptions {
  /** Default 5. */
  epochs?: number;
  /** Default 128. */
  batchSize?: number;
  /** Fraction of the training set held out for validation, taken from its end as Keras does. */
  validationSplit?: number;
  /** An explicit validation set (wins over validationSplit). */
  validationData?: ImageSet;
  augment?: TrainAugmentation;
  /** Seeds the shuffling and the augmentation (default: a random seed, returned in the result). */
  seed?: number;
  /** Learning rate for each 0-based epoch, given the optimizer's initial rate and the epoch count. */
  learningRateSchedule?: LearningRateSchedule;
  /** Ask the schedule before every batch, not only at the start of each epoch (default false). */
  scheduleEveryBatch?: boolean;
  /** Stop when the monitored metric has not improved for `patience` epochs. */
  earlyStopping?: EarlyStopping;
  /** Metric for early stopping and checkpoints (default valLoss with validation data, else loss). */
  monitor?: MonitoredMetric;
  /** Save the best model so far here (tfjs layers format) after each improving epoch. */
  checkpointDir?: string;
  checkpointMetadata?: SavedModelMetadata;
  /** Let checkpoints replace a model.json in `checkpointDir` that digit-lab did not write. */
  overwriteForeignCheckpoint?: boolean;
  /** Console progress on `progressStream` (default 'auto': a bar on a TTY, a line per epoch otherwise). */
  progress?: ProgressMode;
  progressStream?: ProgressStream;
  /** Called with every progress event; awaited, so a notebook can render between batches. */
  onProgress?: (event: TrainingEvent) => void | Promise<void>;
  /** Emit a 'batch' event every this many batches (default: about 50 per epoch). */
  batchEventEvery?: number;
}

/**
 * Learning rate for a 0-based epoch, given the optimizer's initial rate and the epoch count; with
 * `scheduleEveryBatch` the epoch is fractional (epoch + the fraction of its batches done).
 */
export type LearningRateSchedule = (epoch: number, initial: number, epochs: number) => number;

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

const DEFAULT_EPOCHS = 5;
const DEFAULT_BATCH_SIZE = 128;
/** Roughly how many 'batch' events an epoch emits unless batchEventEvery says otherwise. */
const BATCH_EVENTS_PER_EPOCH = 50;
/** Validation needs no gradients, so it runs in batches at least this big. */
const MIN_VALIDATION_BATCH = 256;

type Emit = (event: TrainingEvent) => Promise<void>;

/** Everything about a call that is settled before its first epoch. */
interface TrainingRun {
  model: tf.LayersModel;
  options: TrainOptions;
  epochs: number;
  batchSize: number;
  seed: number;
  /** The training examples without augmented copies. */
  train: ImageSet;
  validation?: ImageSet;
  monitor: MonitoredMetric;
  /** Augmented copies added to `train` (0: none). */
  copies: number;
  /** Examples per epoch, augmented copies included. */
  trainExamples: number;
  batchesPerEpoch: number;
  batchEventEvery: number;
  emit: Emit;
}

/** Trains a compiled model on labelled uint8 images (e.g. MnistData.train). */
export async function trainModel(model: tf.LayersModel, data: ImageSet, options: TrainOptions = {}): Promise<TrainResult> {
  const started = performance.now();
  const run = prepareRun(model, data, options);
  const validationExamples = run.validation?.count ?? 0;
  await run.emit({ kind: 'start', epochs: run.epochs, batchesPerEpoch: run.batchesPerEpoch, trainExamples: run.trainExamples, validationExamples });
  const learningRateFor = epochLearningRates(model, options.learningRateSchedule, run.epochs);
  const dropouts = new DropoutSeeds(model);
  const best = new BestEpoch(run.monitor, options.earlyStopping);
  try {
    const { history, stoppedEarly } = await trainEpochs(run, learningRateFor, dropouts, best);
    const restoredBest = best.restoreInto(model, history.length);
    await run.emit({ kind: 'end', stoppedEarly, bestEpoch: best.epoch, restoredBest });
    return {
      history, bestEpoch: best.epoch, monitor: run.monitor, stoppedEarly, restoredBest, seed: run.seed,
      trainExamples: run.trainExamples, validationExamples, seconds: secondsSince(started),
    };
  } finally {
    best.dispose();
    dropouts.restore();
  }
}

/** Checks the data and options, splits off validation examples and settles the run's sizes. */
function prepareRun(model: tf.LayersModel, data: ImageSet, options: TrainOptions): TrainingRun {
  checkImageSet(data, 'training data');
  const epochs = positiveInt(options.epochs ?? DEFAULT_EPOCHS, 'epochs');
  const batchSize = positiveInt(options.batchSize ?? DEFAULT_BATCH_SIZE, 'batchSize');
  const seed = options.seed ?? randomSeed();
  if (!model.optimizer) throw new Error('trainModel: the model is not compiled (call model.compile first)');
  const { train, validation } = splitValidation(data, options);
  if (train.count === 0) throw new Error('trainModel: no training examples left after the validation split');
  const monitor: MonitoredMetric = options.monitor ?? (validation ? 'valLoss' : 'loss');
  if (monitor.startsWith('val') && !validation) throw new Error(`trainModel: monitor ${monitor} needs validation data`);
  // Checked now rather than when first used, which is after an epoch of work.
  if (options.augment) validateAugmentOptions(options.augment.options);
  if (options.checkpointDir) checkModelOutputDir(options.checkpointDir, { overwriteForeignModel: options.overwriteForeignCheckpoint });
  const copies = options.augment ? Math.max(0, Math.floor(options.augment.copies ?? 1)) : 0;
  const trainExamples = train.count * (1 + copies);
  const batchesPerEpoch = Math.ceil(trainExamples / batchSize);
  return {
    model, options, epochs, batchSize, seed, train, validation, monitor, copies, trainExamples, batchesPerEpoch,
    batchEventEvery: options.batchEventEvery ?? Math.max(1, Math.round(batchesPerEpoch / BATCH_EVENTS_PER_EPOCH)),
    emit: progressEmitter(options),
  };
}

/** Shows each event on the console (as options.progress says) and passes it to onProgress. */
function progressEmitter(options: TrainOptions): Emit {
  const show = consoleProgress(options.progress ?? 'auto', options.progressStream);
  return async (event) => {
    show?.(event);
    await options.onProgress?.(event);
  };
}

/** The epochs of a run, until the last or until early stopping ends it. */
async function trainEpochs(
  run: TrainingRun, learningRateFor: (epoch: number) => number, dropouts: DropoutSeeds, best: BestEpoch,
): Promise<{ history: EpochRecord[]; stoppedEarly: boolean }> {
  const history: EpochRecord[] = [];
  let examples = run.train;
  for (let epoch = 0; epoch < run.epochs; epoch++) {
    examples = await epochExamples(run, epoch, examples);
    const record = await trainEpoch(run, examples, epoch, learningRateFor, dropouts);
    if (run.validation) await addValidation(run, run.validation, record);
    history.push(record);
    const improved = best.observe(run.model, record);
    if (improved && run.options.checkpointDir) await saveCheckpoint(run, run.options.checkpointDir, record);
    await run.emit({ kind: 'epoch', epochs: run.epochs, record, improved });
    if (best.shouldStop(record.epoch, run.epochs)) return { history, stoppedEarly: true };
  }
  return { history, stoppedEarly: false };
}

/**
 * The examples to train on in `epoch`: `previous` again, or the originals with new augmented
 * copies, which are drawn for the first epoch and, when fresh, for every epoch.
 */
async function epochExamples(run: TrainingRun, epoch: number, previous: ImageSet): Promise<ImageSet> {
  const augment = run.options.augment;
  if (!augment || run.copies === 0 || (epoch > 0 && !augment.fresh)) return previous;
  return withAugmentedCopies(run.train, augment.options, run.copies, augmentSeed(run.seed, epoch), (copy, done, total) =>
    run.emit({ kind: 'augment', copy, copies: run.copies, done, total }));
}

/** One pass over `examples` in this epoch's shuffled order; returns the epoch's record (without validation). */
async function trainEpoch(
  run: TrainingRun, examples: ImageSet, epoch: number, learningRateFor: (epoch: number) => number, dropouts: DropoutSeeds,
): Promise<EpochRecord> {
  const order = shuffledIndices(examples.count, shuffleSeed(run.seed, epoch));
  const started = performance.now();
  const means = new EpochMeans();
  const lr = learningRateFor(epoch);
  for (let batch = 0; batch < run.batchesPerEpoch; batch++) {
    // A per-batch schedule sees how far into the epoch a batch is, so a short run's warm-up and decay are smooth.
    if (batch > 0 && run.options.scheduleEveryBatch) learningRateFor(epoch + batch / run.batchesPerEpoch);
    const indices = order.subarray(batch * run.batchSize, Math.min((batch + 1) * run.batchSize, examples.count));
    dropouts.reseed(run.seed, epoch, batch);
    const [loss, acc] = await trainBatch(run.model, examples, indices);
    means.add(loss, acc, indices.length);
    if (!Number.isFinite(loss)) throw new Error(`training diverged: loss is ${loss} at epoch ${epoch + 1}, batch ${batch + 1} (try a lower learning rate)`);
    if ((batch + 1) % run.batchEventEvery === 0 || batch + 1 === run.batchesPerEpoch) {
      await run.emit({
        kind: 'batch', epoch: epoch + 1, epochs: run.epochs, batch: batch + 1, batches: run.batchesPerEpoch,
        loss: means.loss, acc: means.acc, examplesPerSec: means.examples / secondsSince(started),
      });
    }
  }
  const seconds = secondsSince(started);
  return { epoch: epoch + 1, loss: means.loss, acc: means.acc, lr, seconds, examplesPerSec: means.examples / seconds };
}

/** One optimizer step on the examples at `indices`; returns the batch's loss and accuracy. */
async function trainBatch(model: tf.LayersModel, examples: ImageSet, indices: ArrayLike<number>): Promise<number[]> {
  const { xs, ys } = gatherBatch(examples, indices);
  let out: number | number[];
  try {
    out = await model.trainOnBatch(xs, ys);
  } finally {
    xs.dispose();
    ys.dispose();
  }
  return Array.isArray(out) ? out : [out, NaN];
}

/** Loss and accuracy averaged over an epoch's examples so far (batches weighted by their size). */
class EpochMeans {
  private lossSum = 0;
  private accSum = 0;
  private seen = 0;

  add(loss: number, acc: number, count: number): void {
    this.lossSum += loss * count;
    this.accSum += acc * count;
    this.seen += count;
  }

  get examples(): number {
    return this.seen;
  }

  get loss(): number {
    return this.lossSum / this.seen;
  }

  get acc(): number {
    return this.accSum / this.seen;
  }
}

/** Adds the validation loss and accuracy to an epoch's record. */
async function addValidation(run: TrainingRun, validation: ImageSet, record: EpochRecord): Promise<void> {
  const report = await evaluateModel(run.model, validation, { batchSize: Math.max(run.batchSize, MIN_VALIDATION_BATCH), maxMisclassified: 0 });
  record.valLoss = report.loss;
  record.valAcc = report.accuracy;
}

/** Saves the model as the best so far, with its epoch and monitored value in the metadata. */
async function saveCheckpoint(run: TrainingRun, dir: string, record: EpochRecord): Promise<void> {
  await saveModel(run.model, dir, { ...run.options.checkpointMetadata, epoch: record.epoch, monitor: run.monitor, [run.monitor]: record[run.monitor] },
    { overwriteForeignModel: run.options.overwriteForeignCheckpoint });
}

/** The part of a tfjs optimizer a schedule sets: every tfjs optimizer keeps its rate in this field. */
interface RateOptimizer {
  learningRate: number;
}

/**
 * The rate each optimizer was built with, noted the first time trainModel sees the optimizer. A
 * schedule overwrites `learningRate` epoch by epoch, so without this a later call that resumes
 * training would start its schedule from the decayed rate.
 */
const builtRates = new WeakMap<RateOptimizer, number>();

function builtRate(optimizer: RateOptimizer): number {
  const known = builtRates.get(optimizer);
  if (known !== undefined) return known;
  builtRates.set(optimizer, optimizer.learningRate);
  return optimizer.learningRate;
}

/**
 * Returns a function that sets the optimizer's rate for a 0-based epoch and returns it: the
 * schedule's (started from the rate the optimizer was built with), else the rate it has.
 */
function epochLearningRates(model: tf.LayersModel, schedule: LearningRateSchedule | undefined, epochs: number): (epoch: number) => number {
  const optimizer = model.optimizer as unknown as RateOptimizer;
  const initial = builtRate(optimizer);
  return (epoch) => {
    const lr = schedule ? schedule(epoch, initial, epochs) : optimizer.learningRate;
    optimizer.learningRate = lr;
    return lr;
  };
}

function positiveInt(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`trainModel: ${name} must be a positive integer, got ${value}`);
  return value;
}

/** A seed for a call that gives none: a non-negative 31-bit integer, returned in the result. */
function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}

function secondsSince(start: number): number {
  return (performance.now() - start) / 1000;
}

/** The training and validation examples: validationData if given, else the last validationSplit of `data`. */
function splitValidation(data: ImageSet, options: TrainOptions): { train: ImageSet; validation?: ImageSet } {
  if (options.validationData) {
    checkImageSet(options.validationData, 'validation data');
    return { train: data, validation: options.validationData };
  }
  const split = options.validationSplit ?? 0;
  if (!(split >= 0 && split < 1)) throw new Error(`trainModel: validationSplit must be in [0, 1), got ${split}`);
  return holdOutLast(data, split);
}
