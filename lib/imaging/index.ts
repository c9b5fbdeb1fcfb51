/** Imaging: a photo of a digit -> a 28x28 MNIST-style input. Pure pipeline plus Node file decoding. */
export type { DigitImage } from './gray';
export { rgbaToDigitImage } from './gray';
export { deskewPicture, measureSlant, MAX_SLANT, SLANT_MIN_VARIANCE, type Slant } from './deskew';
export type { DigitBox } from './resample';
export type { InkMap, PreprocessOptions, PreprocessedDigit } from './preprocess';
export { findInk, preprocessDigit, DIGIT_INPUT_SIZE, DIGIT_FIT_BOX, DIGIT_MASS_CENTRE } from './preprocess';
export type { DigitImageFormat, PreprocessedDigitFile } from './node';
export { decodeImageBuffer, decodeImageFile, preprocessImageFile, sniffImageFormat, MAX_IMAGE_PIXELS } from './node';
