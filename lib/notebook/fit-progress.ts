/**
 * The live training display (training-display.ts) as a standard tfjs callback, for
 * `model.fit` / `model.fitDataset`: the same redrawn-in-place output that trainModel's
 * onProgress gives, fed from the callback's batch and epoch logs.
 */
import * as tf from '@tensorflow/tfjs';
import type { EpochRecord } from '../model/train-progress';
import { type TrainingProgressEventLike, trainingProgressDisplay } from './training-display';

/** Options of fitProgressCallback. */
export interface FitProgressOptions {
  /** Title above the display (default "Training"). */
  title?: string;
  /** Pictures per epoch and the batch size: fitDataset cannot tell how long a generator is. */
  trainExamples: number;
  batchSize: number;
  /** Validation pictures, for the status line (default none). */
  validationExamples?: number;
  /** Where the events go (default: a new trainingProgressDisplay with the title). */
  onEvent?: (event: TrainingProgressEventLike) => void | Promise<void>;
}

/**
 * A number from a callback's logs, under the first of `names` present. fit's logs hold numbers;
 * fitDataset's batch logs hold scalar tensors (only CustomCallback and History resolve them).
 */
async function logValue(logs: tf.Logs | undefined, ...names: string[]): Promise<number | undefined> {
  const bag = logs as Record<string, number | tf.Tensor | undefined> | undefined;
  for (const name of names) {
    const value = bag?.[name];
    if (typeof value === 'number') return value;
    if (value instanceof tf.Tensor && !value.isDisposed) return (await value.data())[0];
  }
  return undefined;
}

/** A tfjs callback that draws training progress live and keeps each epoch's record in `history`. */
export class FitProgressCallback extends tf.Callback {
  /** One record per finished epoch (loss and accuracy averaged over the epoch's pictures). */
  readonly history: EpochRecord[] = [];
  private readonly onEvent: (event: TrainingProgressEventLike) => void | Promise<void>;
  private readonly batches: number;
  private epochs = 0;
  private epochStart = 0;
  private seen = 0;
  private lossSum = 0;
  private accSum = 0;
  private bestLoss = Infinity;

  constructor(private readonly options: FitProgressOptions) {
    super();
    if (!(Number.isInteger(options.trainExamples) && options.trainExamples > 0)) {
      throw new Error(`fitProgressCallback: trainExamples must be a positive integer, got ${options.trainExamples}`);
    }
    if (!(Number.isInteger(options.batchSize) && options.batchSize > 0)) {
      throw new Error(`fitProgressCallback: batchSize must be a positive integer, got ${options.batchSize}`);
    }
    this.batches = Math.ceil(options.trainExamples / options.batchSize);
    this.onEvent = options.onEvent ?? trainingProgressDisplay({ title: options.title ?? 'Training' });
  }

  override async onTrainBegin(): Promise<void> {
    this.epochs = Number(this.params?.epochs ?? 0);
    this.history.length = 0;
    this.bestLoss = Infinity;
    await this.onEvent({
      kind: 'start', epochs: this.epochs, batchesPerEpoch: this.batches,
      trainExamples: this.options.trainExamples, validationExamples: this.options.validationExamples ?? 0,
    });
  }

  override async onEpochBegin(): Promise<void> {
    this.epochStart = performance.now();
    this.seen = 0;
    this.lossSum = 0;
    this.accSum = 0;
  }

  override async onBatchEnd(batch: number, logs?: tf.Logs): Promise<void> {
    const size = (await logValue(logs, 'size')) ?? this.options.batchSize;
    this.seen += size;
    this.lossSum += ((await logValue(logs, 'loss')) ?? NaN) * size;
    this.accSum += ((await logValue(logs, 'acc', 'accuracy')) ?? NaN) * size;
    await this.onEvent({
      kind: 'batch', epoch: this.history.length + 1, epochs: this.epochs, batch: batch + 1, batches: this.batches,
      loss: this.lossSum / this.seen, acc: this.accSum / this.seen, examplesPerSec: this.seen / this.secondsThisEpoch(),
    });
  }

  override async onEpochEnd(epoch: number, logs?: tf.Logs): Promise<void> {
    const seconds = this.secondsThisEpoch();
    const optimizer = this.model?.optimizer as unknown as { learningRate?: number } | undefined;
    const record: EpochRecord = {
      epoch: epoch + 1,
      loss: this.lossSum / this.seen,
      acc: this.accSum / this.seen,
      lr: optimizer?.learningRate ?? NaN,
      seconds,
      examplesPerSec: this.seen / seconds,
    };
    const valLoss = await logValue(logs, 'val_loss');
    if (valLoss !== undefined) record.valLoss = valLoss;
    const valAcc = await logValue(logs, 'val_acc', 'val_accuracy');
    if (valAcc !== undefined) record.valAcc = valAcc;
    this.history.push(record);
    const monitored = record.valLoss ?? record.loss;
    const improved = monitored < this.bestLoss;
    if (improved) this.bestLoss = monitored;
    await this.onEvent({ kind: 'epoch', epochs: this.epochs, record, improved });
  }

  override async onTrainEnd(): Promise<void> {
    await this.onEvent({ kind: 'end', stoppedEarly: false, restoredBest: false });
  }

  private secondsThisEpoch(): number {
    return Math.max(1e-6, (performance.now() - this.epochStart) / 1000);
  }
}

/**
 * A callback for `model.fit` / `model.fitDataset` that shows progress live in the cell:
 *   const progress = fitProgressCallback({ trainExamples: 1800, batchSize: 128 });
 *   await model.fitDataset(batches, { epochs: 5, callbacks: [progress] });
 *   progress.history  // one EpochRecord per epoch
 */
export function fitProgressCallback(options: FitProgressOptions): FitProgressCallback {
  return new FitProgressCallback(options);
}
