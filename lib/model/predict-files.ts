/** Classifying image files (photos or scans of single digits) with a saved model: `digit-lab predict`. */
import * as fs from 'fs';
import { chooseTrainingBackend } from '../engine/choose';
import { preprocessImageFile } from '../imaging/node';
import { predictDigits } from './evaluate';
import { loadModel } from './persist';

/** One image's answer. */
export interface DigitPrediction {
  image: string;
  digit: number;
  confidence: number;
  probabilities: number[];
}

/** An image that could not be read, with the reason (naming the file). */
export interface ImageFailure {
  image: string;
  error: string;
}

/**
 * Loads the model in `modelDir` and classifies each image file. A bad image does not stop the
 * others: it comes back as an ImageFailure in its place, so a glob with one stray file still
 * answers for every picture.
 */
export async function predictImageFiles(modelDir: string, files: string[], backend?: string): Promise<(DigitPrediction | ImageFailure)[]> {
  await chooseTrainingBackend(backend);
  const { model } = await loadModel(modelDir);
  try {
    const inputs: (Float32Array | ImageFailure)[] = [];
    for (const file of files) inputs.push(await modelInput(file));
    const good = inputs.filter((x): x is Float32Array => x instanceof Float32Array);
    const probabilities = good.length > 0 ? await predictDigits(model, good) : [];
    let next = 0;
    return inputs.map((input, i) => {
      if (!(input instanceof Float32Array)) return input;
      const p = probabilities[next++];
      const digit = p.indexOf(Math.max(...p));
      return { image: files[i], digit, confidence: p[digit], probabilities: p };
    });
  } finally {
    model.dispose();
  }
}

/** The file's preprocessed 28x28 pixels, or why they could not be had. */
async function modelInput(file: string): Promise<Float32Array | ImageFailure> {
  return withImageFile(file, async () => (await preprocessImageFile(file)).pixels);
}

/**
 * Runs `work` on an image file, or says why it could not, naming the file the way `predict`
 * does (a missing file, an undecodable one, a blank one): shared with `digit-lab read`.
 */
export async function withImageFile<T>(file: string, work: () => Promise<T>): Promise<T | ImageFailure> {
  if (!fs.existsSync(file)) return { image: file, error: `${file}: no such file` };
  try {
    return await work();
  } catch (err) {
    const message = (err as Error).message;
    return { image: file, error: message.includes(file) ? message : `${file}: ${message}` };
  }
}
