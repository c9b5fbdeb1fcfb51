/**
 * In-page recognition: the embedded model loaded with TensorFlow.js, and a canvas turned into
 * the model's input by the very preprocessing `digit-lab predict` uses (lib/imaging, bundled).
 */
import * as tf from '@tensorflow/tfjs-core';
import { loadLayersModel } from '@tensorflow/tfjs-layers';
import type { LayersModel } from '@tensorflow/tfjs-layers';
// Registers the Deskew layer, so that models with deskewed members load in the page.
import '../../model/deskew-layer';
import { rgbaToDigitImage } from '../../imaging/gray';
import { preprocessDigit, DIGIT_INPUT_SIZE } from '../../imaging/preprocess';
import type { PreprocessOptions } from '../../imaging/preprocess';
import type { PadModelPayload } from './payload-types';

function base64ToBytes(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Unpacks gzipped bytes with the browser's own decompressor. */
async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  if (typeof DecompressionStream !== 'function') {
    throw new Error('this browser cannot unpack the weights (it lacks DecompressionStream; Chrome 80, Firefox 113, Safari 16.4 or later have it)');
  }
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Loads the embedded model on the cpu backend (exact, and the same kernels as Node's cpu). */
export async function loadPadModel(payload: PadModelPayload): Promise<LayersModel> {
  if (tf.getBackend() !== 'cpu') await tf.setBackend('cpu');
  await tf.ready();
  const packed = base64ToBytes(payload.weightData);
  const weights = payload.compression === 'gzip' ? await gunzip(packed) : packed;
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: payload.modelTopology as tf.io.ModelArtifacts['modelTopology'],
    weightSpecs: payload.weightSpecs as tf.io.WeightsManifestEntry[],
    weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer,
  };
  return loadLayersModel(tf.io.fromMemory(artifacts));
}

/** A recognition: the model input and its ten probabilities. */
export interface PadRecognition {
  input: Float32Array;
  probabilities: Float32Array;
}

/**
 * Reads the canvas and classifies it; null when the canvas holds no ink (preprocessDigit's
 * "blank image"). Other preprocessing errors propagate.
 */
export function recogniseCanvas(model: LayersModel, canvas: HTMLCanvasElement, preprocess: PreprocessOptions | undefined): PadRecognition | null {
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('no 2D canvas context');
  const { data, width, height } = ctx.getImageData(0, 0, canvas.width, canvas.height);
  let input: Float32Array;
  try {
    input = preprocessDigit(rgbaToDigitImage(data, width, height), preprocess ?? {}).pixels;
  } catch (err) {
    if (err instanceof Error && err.message.startsWith('blank image')) return null;
    throw err;
  }
  const probabilities = tf.tidy(() => {
    const x = tf.tensor4d(input, [1, DIGIT_INPUT_SIZE, DIGIT_INPUT_SIZE, 1]);
    const y = model.predict(x) as tf.Tensor;
    return y.dataSync() as Float32Array;
  });
  return { input, probabilities: Float32Array.from(probabilities) };
}
