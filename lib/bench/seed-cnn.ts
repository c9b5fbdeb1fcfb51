/**
 * Throughput of the seed CNN on one backend: training steps at batch 128 (trainOnBatch, as a
 * training loop runs them) and inference at batch 512, each the median of timed repetitions
 * after warm-up, on random data (speed only).
 */
import * as tf from '@tensorflow/tfjs';
import { BackendInfo, BackendPreference, initBackend, predictTensor } from '../engine';
import { seedCnn } from '../model/architectures';
import { median } from '../common/arrays';

export interface SeedCnnBenchOptions {
  /** Timed repetitions (median reported); inference uses twice as many. Default 5. */
  reps?: number;
  /** Training steps per repetition. Default 50: enough that Keras' per-call model.fit cost (about 0.3 s) hardly counts when compared. */
  steps?: number;
  warmupSteps?: number;
  trainBatch?: number;
  inferBatch?: number;
  /**
   * wasm threads, or native TensorFlow's intra-op threads if it is not loaded yet (default: the
   * engine's default for wasm, TensorFlow's for tensorflow: all cores).
   */
  threads?: number;
}

export interface SeedCnnBenchResult {
  backend: string;
  model: 'seed-cnn';
  trainBatch: number;
  trainExamplesPerSec: number;
  inferBatch: number;
  inferExamplesPerSec: number;
  threads?: number;
  reps: number;
  steps: number;
  /** Median seconds per training step and per inference batch. */
  trainStepSec: number;
  inferBatchSec: number;
  reason: string;
  versions: Record<string, string>;
}

/** Seconds per call of `fn`, median over `reps` timed calls after `warmup` untimed ones. */
export async function medianSeconds(fn: () => Promise<void>, reps: number, warmup: number): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const start = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  return median(times);
}

function versions(): Record<string, string> {
  const out: Record<string, string> = { tfjs: tf.version.tfjs, node: process.version };
  try {
    out.tfjsBackendWasm = (require('@tensorflow/tfjs-backend-wasm/package.json') as { version: string }).version;
  } catch {
    // not installed: nothing to report
  }
  return out;
}

function randomBatch(n: number, seed: number): { x: tf.Tensor4D; y: tf.Tensor2D } {
  return tf.tidy(() => {
    const x = tf.randomUniform([n, 28, 28, 1], 0, 1, 'float32', seed) as tf.Tensor4D;
    const labels = tf.randomUniform([n], 0, 10, 'int32', seed + 1) as tf.Tensor1D;
    return { x, y: tf.oneHot(labels, 10).toFloat() as tf.Tensor2D };
  });
}

/**
 * Asks native TensorFlow for `threads` intra-op threads (as the Keras reference sets them) unless
 * the user set TF_NUM_INTRAOP_THREADS already; undefined leaves TensorFlow's default, all cores.
 * TensorFlow reads it when the binding creates its context, so once tfjs-node is loaded it changes
 * nothing. Returns the count in the environment, if any.
 */
export function pinNativeThreads(threads: number | undefined, env: NodeJS.ProcessEnv = process.env): number | undefined {
  if (threads !== undefined && !tf.findBackendFactory('tensorflow')) env.TF_NUM_INTRAOP_THREADS ??= String(threads);
  const n = Number(env.TF_NUM_INTRAOP_THREADS);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/** Measures the seed CNN on `backend` (switching the active backend to it). */
export async function benchSeedCnn(backend: BackendPreference, options: SeedCnnBenchOptions = {}): Promise<SeedCnnBenchResult> {
  const reps = options.reps ?? 5;
  const steps = options.steps ?? 50;
  const trainBatch = options.trainBatch ?? 128;
  const inferBatch = options.inferBatch ?? 512;
  const nativeThreads = backend === 'tensorflow' ? pinNativeThreads(options.threads) : undefined;
  const info: BackendInfo = await initBackend(backend, { quiet: true, threads: options.threads });
  const model = seedCnn({ seed: 42 });
  const train = randomBatch(trainBatch, 1);
  const infer = randomBatch(inferBatch, 3);
  try {
    const trainSec = await medianSeconds(async () => {
      for (let i = 0; i < steps; i++) await model.trainOnBatch(train.x, train.y);
    }, reps, Math.max(1, Math.ceil((options.warmupSteps ?? 2) / steps)));
    const inferSec = await medianSeconds(async () => {
      // One batch of inferBatch, as Keras' predict_on_batch in keras_seed_cnn.py runs it, through
      // the library's inference path (one TensorFlow function on tensorflow).
      const out = predictTensor(model, infer.x);
      await out.data();
      out.dispose();
    }, reps * 2, 2);
    return {
      backend: info.name,
      model: 'seed-cnn',
      trainBatch,
      trainExamplesPerSec: round((trainBatch * steps) / trainSec),
      inferBatch,
      inferExamplesPerSec: round(inferBatch / inferSec),
      threads: info.threads ?? (info.name === 'tensorflow' ? nativeThreads : undefined),
      reps,
      steps,
      trainStepSec: trainSec / steps,
      inferBatchSec: inferSec,
      reason: info.reason,
      versions: versions(),
    };
  } finally {
    // Compiled with an Adam object, which the model does not own, so model.dispose() leaves its moments.
    model.optimizer.dispose();
    model.dispose();
    tf.dispose([train.x, train.y, infer.x, infer.y]);
  }
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
