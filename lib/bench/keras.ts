/**
 * The Keras references, run with a Python that has tensorflow and keras (see python.ts):
 * ../shared/bench/keras_seed_cnn.py for the seed CNN's throughput and keras_seed_recipe.py for
 * the whole reference recipe. Keras on TensorFlow is what the reference notebook uses, so it is
 * the anchor the native backend is held to.
 */
import { referenceScriptPath, runJsonScript, type SeedCnnReferenceResult } from './reference';

/** The seed CNN's throughput in Keras (keras_seed_cnn.py's JSON line). */
export type KerasSeedCnnResult = SeedCnnReferenceResult;

/** The whole recipe in Keras (keras_seed_recipe.py's JSON line). */
export interface KerasRecipeResult {
  engine: string;
  threads: number;
  recipe: 'seed';
  epochs: number;
  /** The seed it ran with (passed as --seed; the script does not print it). */
  seed: number;
  /** Examples per epoch (the script holds out 10% for validation). */
  trainExamples: number;
  /** Making the augmented copy. */
  augmentSeconds: number;
  /** model.fit, validation included. */
  trainSeconds: number;
  trainExamplesPerSec: number;
  testAccuracy: number;
}

/** keras_seed_cnn.py in ../shared/bench/. */
export function kerasSeedCnnScript(): string {
  return referenceScriptPath('keras_seed_cnn.py');
}

/** keras_seed_recipe.py in ../shared/bench/. */
export function kerasRecipeScript(): string {
  return referenceScriptPath('keras_seed_recipe.py');
}

/**
 * Runs keras_seed_cnn.py: `steps` training steps of batch 128 per timed repetition, the median of
 * `reps`, on `threads` intra-op threads. Each repetition is one model.fit call, which costs about
 * 0.3 s on top of its steps here (measured: 10 steps understate Keras by a quarter or more, while
 * a real epoch is one call of 469 steps), so use enough steps; ours get the same.
 */
export function runKerasSeedCnn(options: {
  python: string; threads: number; steps: number; reps: number; script?: string; timeoutMs?: number;
}): Promise<KerasSeedCnnResult> {
  return runJsonScript<KerasSeedCnnResult>({
    python: options.python,
    script: options.script ?? kerasSeedCnnScript(),
    args: ['--threads', String(options.threads), '--steps', String(options.steps), '--reps', String(options.reps)],
    timeoutMs: options.timeoutMs,
  });
}

/** Runs keras_seed_recipe.py on the four IDX .gz files in `dataDir` (minutes; silent until it ends, hence the heartbeat). */
export async function runKerasRecipe(options: {
  python: string; dataDir: string; threads: number; epochs: number; seed: number; script?: string; timeoutMs?: number;
  onHeartbeat?: (seconds: number) => void; heartbeatMs?: number;
}): Promise<KerasRecipeResult> {
  const result = await runJsonScript<Omit<KerasRecipeResult, 'seed'>>({
    python: options.python,
    script: options.script ?? kerasRecipeScript(),
    args: ['--data', options.dataDir, '--threads', String(options.threads), '--epochs', String(options.epochs), '--seed', String(options.seed)],
    timeoutMs: options.timeoutMs ?? 60 * 60_000,
    onHeartbeat: options.onHeartbeat,
    heartbeatMs: options.heartbeatMs,
  });
  return { ...result, seed: options.seed };
}
