/**
 * Deskewing inside a model: a `Deskew` layer that shears each picture upright by its second
 * moments (the rules of lib/imaging/deskew.ts, its tested reference), and `withDeskew`, which puts
 * one in front of a model. Because the layer is part of the saved model, everything that feeds a
 * model raw pictures (predict, evaluate, the reader, the pad, the notebook) gets the deskewed
 * member's behaviour without knowing about it.
 *
 * Written with tfjs-core and tfjs-layers only (no `@tensorflow/tfjs`), so the pad's browser bundle
 * registers it too. The shear is one `tf.image.transform` per batch (bilinear, 0 outside), which
 * samples exactly as deskewPicture does: rows land on whole rows, so only the columns interpolate.
 */
import * as tf from '@tensorflow/tfjs-core';
import { layers, model as functionalModel, input as symbolicInput } from '@tensorflow/tfjs-layers';
import type { LayersModel, SymbolicTensor } from '@tensorflow/tfjs-layers';
import { MAX_SLANT, SLANT_MIN_VARIANCE } from '../imaging/deskew';
import { transformBatch } from './transform-batch';

/**
 * [height * width, 5]: for each pixel 1, its row, its column, row^2 and row * column, so that one
 * matMul gives every picture's ink-weighted moments.
 */
function momentColumns(height: number, width: number): tf.Tensor2D {
  const columns = new Float32Array(height * width * 5);
  for (let i = 0; i < height * width; i++) {
    const y = Math.floor(i / width);
    const x = i % width;
    columns.set([1, y, x, y * y, y * x], i * 5);
  }
  return tf.tensor2d(columns, [height * width, 5]);
}

/**
 * `images` [batch, height, width, 1] deskewed: each picture's rows moved sideways by
 * slant * (row - centre row), linearly interpolated, 0 outside. Matches deskewPicture.
 */
export function deskewImages(images: tf.Tensor4D): tf.Tensor4D {
  const [batch, height, width, channels] = images.shape;
  if (channels !== 1) throw new Error(`deskewing needs single-channel pictures, got ${channels} channels`);
  return tf.tidy(() => {
    const flat = tf.reshape(images, [batch, height * width]) as tf.Tensor2D;
    // Only tf.* functions, no chained methods (x.reshape): the pad's bundle leaves those out.
    // Raw moments in float32: E[y^2] - E[y]^2 keeps about 1e-4 of the row variance, far below
    // SLANT_MIN_VARIANCE and the variances of real strokes (10 to 40).
    const [total, sumY, sumX, sumYY, sumYX] = tf.split(tf.matMul(flat, momentColumns(height, width)), 5, 1).map((t) => tf.reshape(t, [-1]));
    const inked = tf.greater(total, 0);
    const safeTotal = tf.where(inked, total, tf.onesLike(total));
    const centreRow = tf.where(inked, tf.div(sumY, safeTotal), tf.fill([batch], (height - 1) / 2));
    const centreCol = tf.div(sumX, safeTotal);
    const rowVar = tf.sub(tf.div(sumYY, safeTotal), tf.square(centreRow));
    const cov = tf.sub(tf.div(sumYX, safeTotal), tf.mul(centreRow, centreCol));
    const sloped = tf.logicalAnd(inked, tf.greater(rowVar, SLANT_MIN_VARIANCE));
    const slant = tf.clipByValue(tf.where(sloped, tf.div(cov, tf.where(sloped, rowVar, tf.onesLike(rowVar))), tf.zerosLike(rowVar)), -MAX_SLANT, MAX_SLANT);
    // Output (x, y) samples input (x + slant * y - slant * centre row, y): rows keep their place.
    const zeros = tf.zerosLike(slant);
    const transforms = tf.stack([tf.onesLike(slant), slant, tf.neg(tf.mul(slant, centreRow)), zeros, tf.onesLike(slant), zeros, zeros, zeros], 1) as tf.Tensor2D;
    return transformBatch(images, transforms, 'bilinear', 'constant', 0);
  });
}

/** A layer's shape, with null for the batch size. */
type LayerShape = (number | null)[];

/** A layer that deskews its input pictures ([batch, height, width, 1]); no weights. */
export class Deskew extends layers.Layer {
  static readonly className = 'Deskew';

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape | LayerShape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const images = Array.isArray(inputs) ? inputs[0] : inputs;
    if (images.rank !== 4) throw new Error(`the Deskew layer needs pictures [batch, height, width, 1], got shape [${images.shape}]`);
    return deskewImages(images as tf.Tensor4D);
  }
}
tf.serialization.registerClass(Deskew);

/**
 * `model` behind a Deskew layer, as one model named `name` (the wrapped model keeps its own name,
 * so give it a different one). Shares `model`'s weights and owns it: disposing the result disposes
 * `model`. Not compiled: the caller compiles it for training.
 */
export function withDeskew(model: LayersModel, name: string): LayersModel {
  const shape = model.inputs[0].shape.slice(1) as number[];
  if (shape.length !== 3 || shape[2] !== 1) throw new Error(`deskewing needs a model of pictures [height, width, 1], got input shape [${shape}]`);
  const picture = symbolicInput({ shape, name: `${name}_input` });
  const upright = new Deskew({ name: `${name}_deskew` }).apply(picture) as SymbolicTensor;
  return functionalModel({ inputs: picture, outputs: model.apply(upright) as SymbolicTensor, name });
}
