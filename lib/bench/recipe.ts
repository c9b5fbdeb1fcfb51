/**
 * The whole reference recipe timed on one backend: what `digit-lab train --model seed` runs with
 * its defaults (full MNIST plus one augmented copy, 5 epochs, batch 128), on the same four IDX
 * files keras_seed_recipe.py reads, so the two can be compared in one run.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { digitLabRoot } from '../common/paths';
import { datasetCacheDir, findMnistDataset, mnistDatasetFiles, resolveDataDir } from '../data';
import { REFERENCE_AUGMENTATION } from '../model/augment-options';
import { runTrainRecipe } from '../model/recipe';
import type { TrainingEvent } from '../model/train-progress';
import { pinNativeThreads } from './seed-cnn';

/** The four file names of full MNIST, gzipped: the Keras script reads only those. */
export function mnistGzFiles(): string[] {
  const spec = findMnistDataset('mnist');
  if (!spec) throw new Error('internal: mnist is missing from the data catalogue');
  return mnistDatasetFiles(spec).map((f) => f.name);
}

/**
 * The directory holding full MNIST for both recipes: `dir` when given, else ../shared/mnist next
 * to the project, else the data cache's mnist folder. Throws, naming each place and what it
 * lacks, when none holds the four .gz files.
 */
export function findFullMnist(dir?: string, options: { dataDir?: string; sharedDir?: string } = {}): string {
  const candidates = dir
    ? [path.resolve(dir)]
    : [options.sharedDir ?? path.resolve(digitLabRoot(), '..', 'shared', 'mnist'), datasetCacheDir(resolveDataDir(options.dataDir), 'mnist')];
  const names = mnistGzFiles();
  const problems: string[] = [];
  for (const candidate of candidates) {
    const missing = names.filter((n) => !fs.existsSync(path.join(candidate, n)));
    if (!missing.length) return candidate;
    problems.push(missing.length === names.length ? `${candidate} has none of the four MNIST .gz files` : `${candidate} lacks ${missing.join(', ')}`);
  }
  const hint = dir ? '' : '; pass --data <dir>, or fetch it with `digit-lab data` (into the cache)';
  throw new Error(`no full MNIST for the recipe: ${problems.join('; ')}${hint}`);
}

/** One backend's run of the recipe. */
export interface RecipeBenchResult {
  bench: 'recipe';
  backend: string;
  reason: string;
  threads?: number;
  epochs: number;
  seed: number;
  /** Examples per epoch, augmented copy included. */
  trainExamples: number;
  /** Augmentation and training (trainModel's wall time), comparable with Keras' augmentSeconds + trainSeconds. */
  seconds: number;
  /** The whole recipe: loading, training, evaluating, saving. */
  totalSeconds: number;
  testAccuracy: number;
  testExamples: number;
  data: string;
}

/** Options of benchRecipe. */
export interface RecipeBenchOptions {
  dataDir: string;
  epochs?: number;
  seed?: number;
  /** Threads for wasm and native TensorFlow, when neither is set up yet in this process (default: each one's default). */
  threads?: number;
  /** Training progress (default: a bar on a terminal, else a line per epoch and every minute, on stderr). */
  onProgress?: (event: TrainingEvent) => void;
  log?: (line: string) => void;
}

/** Runs `digit-lab train --model seed`'s recipe on `backend`, saving the model to a temporary folder that is removed after. */
export async function benchRecipe(backend: string, options: RecipeBenchOptions): Promise<RecipeBenchResult> {
  const epochs = options.epochs ?? 5;
  const seed = options.seed ?? 1;
  const threads = backend === 'tensorflow' ? pinNativeThreads(options.threads) : wasmThreads(options.threads);
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'digit-lab-bench-recipe-'));
  try {
    const summary = await runTrainRecipe({
      model: 'reference',
      epochs,
      batchSize: 128,
      augment: { ...REFERENCE_AUGMENTATION },
      copies: 1,
      data: options.dataDir,
      out,
      seed,
      validationSplit: 0,
      backend,
      progress: options.onProgress ? 'none' : 'auto',
      onProgress: options.onProgress,
      log: options.log,
    });
    return {
      bench: 'recipe',
      backend: summary.backend,
      reason: summary.backendReason,
      threads,
      epochs: summary.epochs,
      seed,
      trainExamples: summary.trainExamples,
      seconds: round1(summary.trainSeconds),
      totalSeconds: round1(summary.totalSeconds),
      testAccuracy: summary.testAccuracy,
      testExamples: summary.testExamples,
      data: options.dataDir,
    };
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

/**
 * The recipe picks its backend through the engine's defaults, which read DIGIT_LAB_WASM_THREADS
 * when wasm is first set up; setting it is the only way to pass a thread count down.
 */
function wasmThreads(threads: number | undefined): number | undefined {
  if (threads !== undefined) process.env.DIGIT_LAB_WASM_THREADS ??= String(threads);
  const n = Number(process.env.DIGIT_LAB_WASM_THREADS);
  return Number.isInteger(n) && n > 0 ? n : threads;
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
