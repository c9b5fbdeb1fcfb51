/**
 * Random affine augmentation with the semantics of Keras' `ImageDataGenerator`
 * (`get_random_transform` + `apply_affine_transform`), applied to a batch tensor [n, h, w, c]
 * with `tf.image.transform`, and seeded so that a run repeats exactly.
 *
 * The geometry follows Keras 3 (keras.src.legacy.preprocessing.image): one 3x3 matrix in (x, y)
 * coordinates maps each OUTPUT pixel to the INPUT point it samples, built as
 * rotation . shift . shear . zoom and applied about the image centre. Sampling is bilinear
 * (Keras uses spline order 1). test/model/fixtures holds Keras' own outputs to compare with.
 */
import * as tf from '@tensorflow/tfjs';
import { seededRandom } from '../common/random';
import { AugmentFillMode, AugmentOptions, validateAugmentOptions } from './augment-options';
import { elasticDistort } from './elastic';
import { transformBatch } from './transform-batch';

export type { AugmentFillMode, AugmentOptions } from './augment-options';
export { AUGMENT_OPTION_KEYS, REFERENCE_AUGMENTATION, STRONG_AUGMENTATION, validateAugmentOptions } from './augment-options';

/**
 * One image's transform parameters, named as in Keras' `apply_affine_transform`: `theta` and
 * `shear` in degrees; `tx` the horizontal (x, column) shift and `ty` the vertical (y, row) shift
 * in pixels; `zx` and `zy` the zoom along x and y. The matrix maps output to input, so a positive
 * shift moves the content left / up, a zoom > 1 makes it smaller, and a positive theta turns it
 * counter-clockwise as seen on screen.
 */
export interface AffineParams {
  theta: number;
  tx: number;
  ty: number;
  shear: number;
  zx: number;
  zy: number;
}

/** The identity parameters (no change). */
export const IDENTITY_AFFINE: Readonly<AffineParams> = Object.freeze({
  theta: 0, tx: 0, ty: 0, shear: 0, zx: 1, zy: 1,
});

/** The matrices of one transform; both map an output pixel to the input point it samples. */
export interface AffineMatrices {
  /** 3x3 homogeneous matrix in (x = column, y = row) coordinates, centre offset included. */
  xy: number[][];
  /** The same map as tf.image.transform's 8-vector [a0, a1, a2, b0, b1, b2, c0, c1]. */
  projective: number[];
}

/** A uniform random number generator on [0, 1). */
export type AugmentRandom = () => number;

/** A seeded PRNG (mulberry32, see lib/common/random.ts) so augmentation repeats across runs and platforms. */
export function makeAugmentRandom(seed: number): AugmentRandom {
  return seededRandom(seed);
}


function uniform(rng: AugmentRandom, lo: number, hi: number): number {
  return lo + (hi - lo) * rng();
}

/**
 * Draws one image's parameters as Keras' `get_random_transform` does (theta, shifts, shear, then
 * zx and zy). Shift ranges < 1 are fractions of the image size, else pixels. One deliberate
 * difference: Keras 3 draws `tx` from height_shift_range scaled by the HEIGHT yet applies it
 * along x (a leftover of its x/y swap); here `tx` comes from widthShiftRange x width, so each
 * option means what its name says. For square images and equal ranges (the reference) the two
 * give the same distribution. Draws nothing for an unset option.
 */
export function randomAffineParams(
  options: AugmentOptions,
  rng: AugmentRandom,
  height = 1,
  width = 1,
): AffineParams {
  const [zoomLo, zoomHi] = validateAugmentOptions(options);
  const rotation = options.rotationRange ?? 0;
  const hShift = options.heightShiftRange ?? 0;
  const wShift = options.widthShiftRange ?? 0;
  const shearRange = options.shearRange ?? 0;
  const theta = rotation ? uniform(rng, -rotation, rotation) : 0;
  let ty = hShift ? uniform(rng, -hShift, hShift) : 0;
  if (hShift > 0 && hShift < 1) ty *= height;
  let tx = wShift ? uniform(rng, -wShift, wShift) : 0;
  if (wShift > 0 && wShift < 1) tx *= width;
  const shear = shearRange ? uniform(rng, -shearRange, shearRange) : 0;
  let zx = 1;
  let zy = 1;
  if (!(zoomLo === 1 && zoomHi === 1)) {
    zx = uniform(rng, zoomLo, zoomHi);
    zy = uniform(rng, zoomLo, zoomHi);
  }
  return { theta, tx, ty, shear, zx, zy };
}

function matMul3(a: number[][], b: number[][]): number[][] {
  const out = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      out[i][j] = a[i][0] * b[0][j] + a[i][1] * b[1][j] + a[i][2] * b[2][j];
    }
  }
  return out;
}

/**
 * The output->input matrix of one transform for an image of `height` x `width`, as Keras 3
 * builds it: rotation . shift . shear . zoom in (x, y) coordinates, moved to the image centre;
 * and the same map as tf.image.transform's 8-vector. (Keras centres x on (height-1)/2, a slip
 * that only matters for non-square images; we use the true centre ((width-1)/2, (height-1)/2).)
 */
export function affineMatrixFor(params: AffineParams, height: number, width: number): AffineMatrices {
  const t = (params.theta * Math.PI) / 180;
  const s = (params.shear * Math.PI) / 180;
  const rotation = [[Math.cos(t), -Math.sin(t), 0], [Math.sin(t), Math.cos(t), 0], [0, 0, 1]];
  const shift = [[1, 0, params.tx], [0, 1, params.ty], [0, 0, 1]];
  const shear = [[1, -Math.sin(s), 0], [0, Math.cos(s), 0], [0, 0, 1]];
  const zoom = [[params.zx, 0, 0], [0, params.zy, 0], [0, 0, 1]];
  const ox = width / 2 - 0.5;
  const oy = height / 2 - 0.5;
  const toCentre = [[1, 0, ox], [0, 1, oy], [0, 0, 1]];
  const fromCentre = [[1, 0, -ox], [0, 1, -oy], [0, 0, 1]];
  const m = [toCentre, rotation, shift, shear, zoom, fromCentre].reduce(matMul3);
  return { xy: m, projective: [m[0][0], m[0][1], m[0][2], m[1][0], m[1][1], m[1][2], 0, 0] };
}

/** How `applyAffineTransforms` resamples and fills; defaults as in `AugmentOptions`. */
export type AffineSampling = Pick<AugmentOptions, 'fillMode' | 'cval' | 'interpolation'>;

/**
 * Applies given transforms to `images` ([n, h, w, c]): one `AffineParams` for all images, or
 * one per image. The deterministic half of `augmentImages`; the input is not disposed.
 */
export function applyAffineTransforms(
  images: tf.Tensor4D,
  params: AffineParams | AffineParams[],
  sampling: AffineSampling = {},
): tf.Tensor4D {
  if (images.rank !== 4) {
    throw new Error(`augment: expected a 4-D tensor [n, h, w, c], got shape [${images.shape.join(', ')}]`);
  }
  validateAugmentOptions(sampling);
  const [n, height, width] = images.shape;
  const list = Array.isArray(params) ? params : new Array<AffineParams>(n).fill(params);
  if (list.length !== n) {
    throw new Error(`augment: got ${list.length} transforms for a batch of ${n} images`);
  }
  const vectors = new Float32Array(n * 8);
  const matrices = list.map((p) => affineMatrixFor(p, height, width));
  matrices.forEach((m, i) => vectors.set(m.projective, i * 8));
  const fillMode = sampling.fillMode ?? 'nearest';
  const cval = sampling.cval ?? 0;
  return tf.tidy(() => {
    const input = images.dtype === 'float32' ? images : tf.cast(images, 'float32');
    const transforms = tf.tensor2d(vectors, [n, 8]);
    const out = transformBatch(input, transforms, sampling.interpolation ?? 'bilinear', fillMode, cval);
    if (fillMode !== 'constant') return out;
    // tf.image.transform blends cval into the outer half pixel; Keras does not.
    const inside = tf.tensor4d(insideMask(matrices, height, width), [n, height, width, 1]);
    return tf.add(tf.mul(out, inside), tf.mul(tf.sub(1, inside), cval)) as tf.Tensor4D;
  });
}

/** 1 where an output pixel samples a point within the input's outer pixel centres, else 0. */
function insideMask(matrices: AffineMatrices[], height: number, width: number): Float32Array {
  const eps = 1e-6;
  const mask = new Float32Array(matrices.length * height * width);
  matrices.forEach(({ xy: m }, i) => {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const sx = m[0][0] * x + m[0][1] * y + m[0][2];
        const sy = m[1][0] * x + m[1][1] * y + m[1][2];
        const inside = sx >= -eps && sx <= width - 1 + eps && sy >= -eps && sy <= height - 1 + eps;
        mask[(i * height + y) * width + x] = inside ? 1 : 0;
      }
    }
  });
  return mask;
}

/**
 * Returns a randomly transformed copy of `images` ([n, h, w, c], any value range), one random
 * transform per image drawn from `options` with the seeded PRNG: the same seed gives the same
 * output. The input is not disposed.
 */
export function augmentImages(images: tf.Tensor4D, options: AugmentOptions, seed: number): tf.Tensor4D {
  if (images.rank !== 4) {
    throw new Error(`augmentImages: expected a 4-D tensor [n, h, w, c], got shape [${images.shape.join(', ')}]`);
  }
  validateAugmentOptions(options);
  const [n, height, width] = images.shape;
  const rng = makeAugmentRandom(seed);
  const params: AffineParams[] = [];
  for (let i = 0; i < n; i++) params.push(randomAffineParams(options, rng, height, width));
  const moved = applyAffineTransforms(images, params, options);
  const range = options.elasticRange ?? 0;
  if (range === 0) return moved;
  const channels = images.shape[3];
  if (channels !== 1 || height < 2 || width < 2) {
    moved.dispose();
    throw new Error(`augmentImages: elasticRange needs one-channel pictures of at least 2 x 2, got shape [${images.shape.join(', ')}]`);
  }
  // The warp is drawn after every affine transform, so a seed without it draws what it always did.
  const warped = elasticDistort(moved.dataSync() as Float32Array, n, height, width, range, rng);
  moved.dispose();
  return tf.tensor4d(warped, [n, height, width, 1]);
}
