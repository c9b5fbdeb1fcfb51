/**
 * The two things trainModel does between batches that `model.fit` does not, as standard tfjs
 * callbacks: a learning rate per epoch or per batch (the "best" recipe's one-cycle schedule) and
 * dropout masks that repeat from run to run (tfjs draws them from Math.random unless a layer has a
 * seed).
 */
import * as tf from '@tensorflow/tfjs';
import type { LearningRateSchedule } from './train';
import { DropoutSeeds } from './train-seeds';

/** Every tfjs optimizer keeps its rate in this field (protected in the typings). */
interface RateOptimizer {
  learningRate: number;
}

/**
 * A callback that sets the model's learning rate to `schedule(epoch, initial, epochs)`, where
 * `initial` is the rate the optimizer had when the callback was made (so a second fit starts the
 * schedule from the same rate): at the start of each epoch, and, given `batchesPerEpoch`, before
 * every batch with a fractional epoch, as trainModel does.
 */
export function learningRateCallback(
  model: tf.LayersModel, schedule: LearningRateSchedule, epochs: number, options: { batchesPerEpoch?: number } = {},
): tf.CustomCallback {
  if (!model.optimizer) throw new Error('learningRateCallback: the model is not compiled (call model.compile first)');
  const optimizer = model.optimizer as unknown as RateOptimizer;
  const initial = optimizer.learningRate;
  const batches = options.batchesPerEpoch;
  let epoch = 0;
  return new tf.CustomCallback({
    onEpochBegin: async (e) => {
      epoch = e;
      optimizer.learningRate = schedule(epoch, initial, epochs);
    },
    onBatchBegin: async (batch) => {
      if (batches !== undefined && batch > 0) optimizer.learningRate = schedule(epoch + Math.min(batch / batches, 1), initial, epochs);
    },
    onTrainEnd: async () => {
      optimizer.learningRate = initial;
    },
  });
}

/**
 * A callback that gives every dropout layer a new mask seed for each batch, drawn from `seed`,
 * the epoch and the batch exactly as trainModel does; the layers' own seeds come back at the end.
 * A model without dropout is left alone.
 */
export function seededDropoutCallback(model: tf.LayersModel, seed: number): tf.CustomCallback {
  const dropouts = new DropoutSeeds(model);
  let epoch = 0;
  return new tf.CustomCallback({
    onEpochBegin: async (e) => {
      epoch = e;
    },
    onBatchBegin: async (batch) => {
      dropouts.reseed(seed, epoch, batch);
    },
    onTrainEnd: async () => {
      dropouts.restore();
    },
  });
}
