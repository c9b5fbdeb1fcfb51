/**
 * The bookkeeping behind early stopping and best checkpoints: which epoch is best by the
 * monitored metric, how many epochs have passed without improving on it, and (when early
 * stopping restores the best) a copy of its weights.
 */
import * as tf from '@tensorflow/tfjs';
import type { EpochRecord } from './train-progress';

/** Which number early stopping and checkpoints watch. */
export type MonitoredMetric = 'valLoss' | 'valAcc' | 'loss' | 'acc';

/** Stop when the monitored metric has not improved for `patience` epochs. */
export interface EarlyStopping {
  patience: number;
  /** An epoch must beat the best by more than this to count as an improvement (default 0). */
  minDelta?: number;
  /** Put the best epoch's weights back at the end (default true). */
  restoreBest?: boolean;
}

/** Tracks the best epoch of a run; dispose() frees the weights it keeps. */
export class BestEpoch {
  /** 1-based epoch with the best monitored value so far (0 before the first epoch). */
  epoch = 0;
  private value = Infinity;
  private epochsSinceBest = 0;
  private weights: tf.Tensor[] | undefined;

  constructor(private readonly monitor: MonitoredMetric, private readonly stopping?: EarlyStopping) {}

  /**
   * Records a finished epoch and returns whether it improved on the best; if it did, and its
   * weights may be restored later, keeps a copy of them.
   */
  observe(model: tf.LayersModel, record: EpochRecord): boolean {
    const value = monitoredValue(record, this.monitor);
    if (value < this.value - (this.stopping?.minDelta ?? 0)) {
      this.value = value;
      this.epoch = record.epoch;
      this.epochsSinceBest = 0;
      if (this.stopping && this.stopping.restoreBest !== false) this.keepWeights(model);
      return true;
    }
    this.epochsSinceBest++;
    return false;
  }

  /** Whether patience has run out after `epoch` (1-based) of `epochs`; never after the last one. */
  shouldStop(epoch: number, epochs: number): boolean {
    return this.stopping !== undefined && this.epochsSinceBest >= this.stopping.patience && epoch < epochs;
  }

  /** Puts the kept best weights back unless the last epoch was the best; returns whether it did. */
  restoreInto(model: tf.LayersModel, lastEpoch: number): boolean {
    if (!this.weights || this.epoch === lastEpoch) return false;
    model.setWeights(this.weights);
    return true;
  }

  dispose(): void {
    this.weights?.forEach((w) => w.dispose());
    this.weights = undefined;
  }

  /** Copies, because the optimizer updates the weight variables in place. */
  private keepWeights(model: tf.LayersModel): void {
    this.dispose();
    this.weights = tf.tidy(() => model.getWeights().map((w) => w.clone()));
  }
}

/** Lower is better for every monitored value, so accuracies are negated. */
function monitoredValue(record: EpochRecord, monitor: MonitoredMetric): number {
  const v = record[monitor];
  if (v === undefined) throw new Error(`trainModel: ${monitor} was not measured`);
  return monitor === 'acc' || monitor === 'valAcc' ? -v : v;
}
