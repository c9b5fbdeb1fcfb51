/**
 * A photo or scan of a handwritten digit (PNG or JPEG, any size, either polarity) -> a 28x28
 * MNIST-style input. Decoding lives in ./imaging/decode (Node); the pixel pipeline in
 * ./imaging/preprocess is pure so the browser can bundle the very same code.
 */
import { promises as fs } from 'fs';
import * as tf from '@tensorflow/tfjs';
import type { DigitImage } from './imaging/gray';
import { decodeImageBuffer, MAX_IMAGE_PIXELS } from './imaging/decode';
import { preprocessDigit, DIGIT_INPUT_SIZE } from './imaging/preprocess';
import type { PreprocessOptions, PreprocessedDigit } from './imaging/preprocess';

export type { DigitImage } from './imaging/gray';
export { rgbaToDigitImage } from './imaging/gray';
export type { DigitBox } from './imaging/resample';
export type { DigitImageFormat } from './imaging/decode';
export { decodeImageBuffer, sniffImageFormat, MAX_IMAGE_PIXELS } from './imaging/decode';
export type { PreprocessOptions, PreprocessedDigit } from './imaging/preprocess';
export {
  preprocessDigit,
  DIGIT_INPUT_SIZE,
  DIGIT_FIT_BOX,
  DIGIT_MASS_CENTRE,
} from './imaging/preprocess';

/** A preprocessed digit file, with the decoded picture it came from. */
export interface PreprocessedDigitFile extends PreprocessedDigit {
  source: DigitImage;
}

/**
 * Reads and decodes a PNG or JPEG file to grayscale. Errors name the file: missing or
 * unreadable, empty, not an image, larger than `maxPixels`, damaged.
 */
export async function decodeImageFile(path: string, maxPixels = MAX_IMAGE_PIXELS): Promise<DigitImage> {
  let buf: Buffer;
  try {
    buf = await fs.readFile(path);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'is a directory' : e.message;
    throw new Error(`${path}: cannot read image: ${why}`);
  }
  return decodeImageBuffer(buf, path, maxPixels);
}

/** Decodes an image file and prepares it as a 28x28 MNIST-style input (see `preprocessDigit`). */
export async function preprocessImageFile(path: string, options: PreprocessOptions = {}): Promise<PreprocessedDigitFile> {
  const source = await decodeImageFile(path);
  try {
    return { ...preprocessDigit(source, options), source };
  } catch (err) {
    throw new Error(`${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Stacks preprocessed digits into a [n, 28, 28, 1] float32 tensor, ready for a model. */
export function digitsToTensor(digits: ReadonlyArray<Pick<PreprocessedDigit, 'pixels'>>): tf.Tensor4D {
  const n = digits.length;
  const data = new Float32Array(n * DIGIT_INPUT_SIZE * DIGIT_INPUT_SIZE);
  digits.forEach((d, i) => {
    if (d.pixels.length !== DIGIT_INPUT_SIZE * DIGIT_INPUT_SIZE) {
      throw new Error(`digitsToTensor: digit ${i} has ${d.pixels.length} pixels, expected ${DIGIT_INPUT_SIZE * DIGIT_INPUT_SIZE}`);
    }
    data.set(d.pixels, i * DIGIT_INPUT_SIZE * DIGIT_INPUT_SIZE);
  });
  return tf.tensor4d(data, [n, DIGIT_INPUT_SIZE, DIGIT_INPUT_SIZE, 1]);
}
