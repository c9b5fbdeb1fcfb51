/**
 * Shared fixtures of the drawing-pad specs: the strokes of a 1, a 0 and a 7 on the pad's canvas,
 * a briefly trained seed CNN (cached in the temp dir between runs), and the browser runtime
 * (built once per run with scripts/bundle-browser.js).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { padPayloadToModel, serializeModelForPad } from '../../lib/drawpad/node';
import { predictPadStrokes } from './oracles';
import type { PadStroke, PadStrokesPrediction } from './oracles';
import { loadMnist } from '../../lib/data';
import { initBackend } from '../../lib/engine';
import { seedCnn } from '../../lib/model/architectures';
import { loadModel, saveModel } from '../../lib/model/persist';
import { trainModel } from '../../lib/model/train';

export const ROOT = path.resolve(__dirname, '..', '..');

/** The test digits, in canvas pixels of the 280x280 pad. */
export const DIGIT_STROKES: { digit: number; strokes: PadStroke[] }[] = [
  { digit: 1, strokes: [[[150, 45], [146, 140], [141, 235]]] },
  { digit: 0, strokes: [ellipse(140, 140, 62, 92, 28)] },
  { digit: 7, strokes: [[[78, 62], [200, 58], [168, 120], [128, 236]]] },
];

function ellipse(cx: number, cy: number, rx: number, ry: number, n: number): [number, number][] {
  const points: [number, number][] = [];
  for (let i = 0; i <= n; i++) {
    const a = -Math.PI / 2 + (2 * Math.PI * i) / n;
    points.push([Math.round(cx + rx * Math.cos(a)), Math.round(cy + ry * Math.sin(a))]);
  }
  return points;
}

let bundled: Promise<string> | null = null;

/** Builds the browser runtime into a temp file once per test run; returns its path. */
export function builtPadRuntime(): Promise<string> {
  if (!bundled) {
    const outFile = path.join(os.tmpdir(), `digit-lab-pad-runtime-${process.pid}.js`);
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { bundleBrowserRuntime } = require(path.join(ROOT, 'scripts', 'bundle-browser.js')) as {
      bundleBrowserRuntime(o: { outFile: string }): Promise<{ outFile: string }>;
    };
    bundled = bundleBrowserRuntime({ outFile }).then((r) => {
      process.env.DIGIT_LAB_PAD_RUNTIME = r.outFile;
      process.once('exit', () => fs.rmSync(r.outFile, { force: true }));
      return r.outFile;
    });
  }
  return bundled;
}

/** Bumped whenever the training recipe below changes, so a stale cached model is not reused. */
export const MODEL_CACHE = path.join(os.tmpdir(), 'digit-lab-drawpad-seedcnn-v1');

/**
 * seedCnn trained for 2 epochs on 6,000 of the embedded digits (wasm backend, about 35 s on 2
 * cores; 94-95% on 2,000 held-out ones), cached on disk. Restores the backend it found.
 */
export async function trainedSeedCnn(): Promise<tf.LayersModel> {
  if (fs.existsSync(path.join(MODEL_CACHE, 'model.json'))) {
    try {
      return (await loadModel(MODEL_CACHE)).model;
    } catch {
      // a damaged cache is retrained below
    }
  }
  return onWasmBackend(async () => {
    const data = await loadMnist({ source: 'embedded', quiet: true });
    const n = 6000;
    const train = { ...data.train, count: n, images: data.train.images.subarray(0, n * 784), labels: data.train.labels.subarray(0, n) };
    const model = seedCnn({ seed: 1 });
    await trainModel(model, train, { epochs: 2, batchSize: 64, seed: 1, progress: 'none' });
    await saveModel(model, MODEL_CACHE, { modelName: 'seed_cnn (drawpad test)' });
    return model;
  });
}

/** What Node predicts for each test digit with the pad's own weights (its default encoding, decoded). */
export async function padNodePredictions(model: tf.LayersModel): Promise<Map<number, PadStrokesPrediction>> {
  const padModel = await padPayloadToModel(serializeModelForPad(model));
  try {
    return new Map(DIGIT_STROKES.map(({ digit, strokes }) => [digit, predictPadStrokes(padModel, strokes)]));
  } finally {
    padModel.dispose();
  }
}

/**
 * Runs `fn` on the wasm backend (fast inference in Node) and then restores the backend that was
 * active, so specs of other areas in the same mocha process are not affected.
 */
export async function onWasmBackend<T>(fn: () => Promise<T>): Promise<T> {
  const previous = tf.getBackend();
  await initBackend('wasm', { quiet: true });
  try {
    return await fn();
  } finally {
    if (previous && previous !== tf.getBackend()) await tf.setBackend(previous);
  }
}

/** Digits 8,000..9,999 of the embedded set: not used in training. */
export async function heldOutDigits() {
  const data = await loadMnist({ source: 'embedded', quiet: true });
  const from = 8000;
  const count = 2000;
  return { ...data.train, count, images: data.train.images.subarray(from * 784, (from + count) * 784), labels: data.train.labels.subarray(from, from + count) };
}
