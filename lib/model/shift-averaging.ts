/**
 * Test-time augmentation by shifts: a model that predicts on the picture and on four copies moved
 * one pixel left, right, up and down, and averages the five predictions. A digit a pixel off
 * where the network expects it is then judged from five positions instead of one (measured on
 * full MNIST: +0.00 to +0.05 points, see the README). Built from tfjs's own layers (zero padding,
 * cropping, timeDistributed, pooling), so the result saves, loads and runs in the browser like any
 * other model.
 */
import * as tf from '@tensorflow/tfjs';
import { compileAdam } from './architectures';
import { SHIFTS } from '../imaging/shifts';

export { SHIFTS };

/**
 * The model a withShiftAveraging wrapper averages (sharing its weights; saved and loaded wrappers
 * too), or null for any other model: the reader averages the digits it has chosen itself, which
 * is several times cheaper than averaging every candidate through the wrapper.
 */
export function shiftAveragedModel(model: tf.LayersModel): tf.LayersModel | null {
  const layers = model.layers;
  if (layers.length < 2 || layers[layers.length - 1].getClassName() !== 'GlobalAveragePooling1D') return null;
  const each = layers[layers.length - 2] as unknown as { getClassName(): string; layer?: unknown };
  return each.getClassName() === 'TimeDistributed' && each.layer instanceof tf.LayersModel ? each.layer : null;
}

/**
 * `model` wrapped so that it predicts the mean over SHIFTS (vacated pixels are 0, the background
 * of our pictures). The wrapper shares `model`'s weights and owns it (disposing it disposes
 * `model`); it is compiled like our models so that tfjs's own `evaluate` works on it too.
 */
export function withShiftAveraging(model: tf.LayersModel, name = `${model.name}_shifts`): tf.LayersModel {
  const shape = model.inputs[0].shape.slice(1) as number[];
  if (shape.length !== 3) throw new Error(`shift averaging needs a model of images [height, width, channels], got input shape [${shape}]`);
  const [height, width, channels] = shape;
  const input = tf.input({ shape, name: `${name}_input` });
  const padded = tf.layers.zeroPadding2d({ padding: 1, name: `${name}_pad` }).apply(input) as tf.SymbolicTensor;
  const views = SHIFTS.map(([right, down], i) => {
    // Output pixel (y, x) reads padded (y + top, x + left) = input (y + top - 1, x + left - 1).
    const top = 1 - down;
    const left = 1 - right;
    const view = tf.layers.cropping2D({ cropping: [[top, 2 - top], [left, 2 - left]], name: `${name}_shift_${i}` }).apply(padded);
    return tf.layers.reshape({ targetShape: [1, height, width, channels], name: `${name}_view_${i}` }).apply(view) as tf.SymbolicTensor;
  });
  // The views as one sequence [batch, 5, h, w, c], so the model runs once (on 5x the batch) and is
  // used by one layer only: disposing the wrapper then disposes it too.
  const stacked = tf.layers.concatenate({ axis: 1, name: `${name}_views` }).apply(views) as tf.SymbolicTensor;
  const each = tf.layers.timeDistributed({ layer: model, name: `${name}_each` }).apply(stacked) as tf.SymbolicTensor;
  const mean = tf.layers.globalAveragePooling1d({ name: `${name}_mean` }).apply(each) as tf.SymbolicTensor;
  const wrapped = tf.model({ inputs: input, outputs: mean, name });
  return compileAdam(wrapped, 1e-3);
}
