/**
 * What an augmentation is asked for: the options (named after Keras' `ImageDataGenerator`), the
 * presets, and their validation. Plain data with no TensorFlow.js, so the command line can parse
 * and check `--augment` without loading it; augment.ts re-exports the public part.
 */

/** How points outside the input are filled (Keras `fill_mode`; `abcd` is one image row). */
export type AugmentFillMode =
  /**
   * `kkkk|abcd|kkkk` with k = `cval`: every output pixel that samples a point beyond the outer
   * pixel centres is exactly k, as in Keras (scipy), with no blending across the edge.
   */
  | 'constant'
  /** `aaaa|abcd|dddd` */
  | 'nearest'
  /** `abcddcba|abcd|dcbaabcd` */
  | 'reflect'
  /**
   * `abcdabcd|abcd|abcdabcd`, as Keras documents it (tf.image.transform's wrap). Keras' scipy
   * backend actually wraps with a period one pixel short, so wrapped-in pixels differ from Keras.
   */
  | 'wrap';

/** Options of the random affine augmentation, named after Keras' `ImageDataGenerator` arguments. */
export interface AugmentOptions {
  /** Rotation drawn uniformly from [-r, r] degrees (`rotation_range`). */
  rotationRange?: number;
  /**
   * Horizontal shift: a fraction of the width when < 1, else pixels; drawn uniformly from [-r, r].
   * (Keras draws whole pixels from (-r, r) when given a Python int; JavaScript cannot tell 2 from
   * 2.0, so we always draw as Keras does for a float.)
   */
  widthShiftRange?: number;
  /** Vertical shift: a fraction of the height when < 1, else pixels; drawn from [-r, r]. */
  heightShiftRange?: number;
  /** Shear angle drawn from [-r, r] DEGREES (as Keras' `shear_range`). */
  shearRange?: number;
  /** Zoom: scalar z -> [1-z, 1+z], or an explicit [lo, hi]; x and y drawn independently. */
  zoomRange?: number | [number, number];
  /** How to fill points outside the input; default 'nearest' (Keras' default). */
  fillMode?: AugmentFillMode;
  /** Fill value for fillMode 'constant'; default 0. */
  cval?: number;
  /** Resampling; default 'bilinear' (Keras' order 1). */
  interpolation?: 'bilinear' | 'nearest';
  /**
   * Elastic distortion (not in Keras): a smooth random warp of each picture whose control points
   * move up to this many pixels each way (elastic.ts); default 0, none.
   */
  elasticRange?: number;
}

/**
 * The augmentation of the reference Keras notebook: rotation 5 degrees, shifts 0.1, shear 0.1,
 * fill 'nearest'. NOTE: the reference passed `shear_range=0.1`, and Keras reads shear in
 * DEGREES, so the shear is a tiny 0.1 degree. We keep 0.1 because it is what the reference did.
 */
export const REFERENCE_AUGMENTATION: Readonly<AugmentOptions> = Object.freeze({
  rotationRange: 5,
  widthShiftRange: 0.1,
  heightShiftRange: 0.1,
  shearRange: 0.1,
  fillMode: 'nearest',
});

/**
 * The augmentation of the best model's recipe (model-recipes.ts; a fresh copy every epoch): wider
 * rotations than the reference, plus zoom.
 */
export const STRONG_AUGMENTATION: Readonly<AugmentOptions> = Object.freeze({
  rotationRange: 10,
  widthShiftRange: 0.1,
  heightShiftRange: 0.1,
  zoomRange: 0.1,
});

const FILL_MODES: readonly AugmentFillMode[] = ['constant', 'nearest', 'reflect', 'wrap'];

/** Every option AugmentOptions has; anything else is a typo that would silently do nothing. */
export const AUGMENT_OPTION_KEYS: readonly (keyof AugmentOptions)[] = [
  'rotationRange', 'widthShiftRange', 'heightShiftRange', 'shearRange', 'zoomRange', 'fillMode', 'cval', 'interpolation',
  'elasticRange',
];

/**
 * Checks options and returns the zoom interval; throws a clear error naming the bad option. Unknown
 * keys are rejected (with the list of known ones), since an ignored `rotation` or `zoom` would train
 * without the augmentation asked for.
 */
export function validateAugmentOptions(options: AugmentOptions): [number, number] {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new Error(`augment: the options must be an object like {"rotationRange":10}, got ${JSON.stringify(options)}`);
  }
  const unknown = Object.keys(options).filter((key) => !(AUGMENT_OPTION_KEYS as readonly string[]).includes(key));
  if (unknown.length > 0) {
    throw new Error(`augment: unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => JSON.stringify(k)).join(', ')}; ` +
      `the options are ${AUGMENT_OPTION_KEYS.join(', ')}`);
  }
  const ranges: Array<[keyof AugmentOptions, number | undefined]> = [
    ['rotationRange', options.rotationRange],
    ['widthShiftRange', options.widthShiftRange],
    ['heightShiftRange', options.heightShiftRange],
    ['shearRange', options.shearRange],
    ['elasticRange', options.elasticRange],
  ];
  for (const [name, value] of ranges) {
    if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value >= 0)) {
      throw new Error(`augment: ${name} must be a finite number >= 0, got ${shown(value)}`);
    }
  }
  if (options.fillMode !== undefined && !FILL_MODES.includes(options.fillMode)) {
    throw new Error(`augment: fillMode must be one of ${FILL_MODES.join(', ')}, got ${shown(options.fillMode)}`);
  }
  if (options.cval !== undefined && !(typeof options.cval === 'number' && Number.isFinite(options.cval))) {
    throw new Error(`augment: cval must be a finite number, got ${shown(options.cval)}`);
  }
  if (options.interpolation !== undefined && options.interpolation !== 'bilinear' && options.interpolation !== 'nearest') {
    throw new Error(`augment: interpolation must be 'bilinear' or 'nearest', got ${shown(options.interpolation)}`);
  }
  const zoom = options.zoomRange;
  if (zoom === undefined) return [1, 1];
  if (typeof zoom === 'number') {
    if (!(Number.isFinite(zoom) && zoom >= 0 && zoom < 1)) {
      throw new Error(`augment: zoomRange as a number must be in [0, 1), got ${zoom}`);
    }
    return [1 - zoom, 1 + zoom];
  }
  if (!Array.isArray(zoom) || zoom.length !== 2 || !zoom.every((z) => typeof z === 'number' && Number.isFinite(z) && z > 0) || zoom[0] > zoom[1]) {
    throw new Error(`augment: zoomRange as a pair must be [lo, hi] with 0 < lo <= hi, got ${JSON.stringify(zoom)}`);
  }
  return [zoom[0], zoom[1]];
}

/** A value as the user wrote it: strings quoted, so "10" (a string) does not read as 10. */
function shown(value: unknown): string {
  return typeof value === 'number' ? String(value) : JSON.stringify(value) ?? String(value);
}
