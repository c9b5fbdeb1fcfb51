/** Shared helpers for the engine specs: seeded data, seed-CNN training steps and backend-vs-cpu comparison. */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/engine';
import { seededRandom } from '../../lib/common/random';
import { seedCnn } from '../../lib/model/architectures';
import type { TestBackend } from '../helpers/backends';

/** Small deterministic PRNG so failures reproduce. */
export const rng = seededRandom;

export function randomArray(size: number, rand: () => number, levels?: number): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const u = rand() * 2 - 1;
    // Few distinct levels make ties (max pooling) frequent.
    out[i] = levels ? Math.round(u * levels) / levels : u;
  }
  return out;
}

export async function useWasm(): Promise<void> {
  await initBackend('wasm', { quiet: true });
}

/** Switches to `backend` (initialising wasm's kernels or the native build as initBackend does). */
export async function useBackend(backend: TestBackend): Promise<void> {
  if (tf.getBackend() !== backend || backend === 'wasm') await initBackend(backend, { quiet: true });
}

/** Runs `fn` on a backend and returns the values of the tensors it returns. */
export async function valuesOn(backend: TestBackend, fn: () => tf.Tensor[]): Promise<Float32Array[]> {
  await useBackend(backend);
  return tf.tidy(fn).map((t) => {
    const v = t.dataSync() as Float32Array;
    t.dispose();
    return Float32Array.from(v);
  });
}

/** Largest |a - b| relative to the largest |b| (1 when shapes differ). */
export function relativeError(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return 1;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
    if (Number.isNaN(a[i]) !== Number.isNaN(b[i])) return 1;
  }
  return scale === 0 ? diff : diff / scale;
}

/** cpu results kept by expectSameAsCpu's `cpuKey`, so slow cpu references are computed once per run. */
const cpuResults = new Map<string, Float32Array[]>();

/**
 * Runs `fn` on cpu and on `backend` and throws if any output differs by more than `tol` (relative).
 * With `cpuKey` (naming `fn`'s case uniquely), the cpu result is computed once and reused.
 * Leaves `backend` active.
 */
export async function expectSameAsCpu(backend: TestBackend, label: string, fn: () => tf.Tensor[], tol = 1e-4, cpuKey?: string): Promise<void> {
  let want = cpuKey === undefined ? undefined : cpuResults.get(cpuKey);
  if (!want) {
    want = await valuesOn('cpu', fn);
    if (cpuKey !== undefined) cpuResults.set(cpuKey, want);
  }
  const got = await valuesOn(backend, fn);
  if (want.length !== got.length) throw new Error(`${label}: ${got.length} outputs on ${backend}, ${want.length} on cpu`);
  want.forEach((w, i) => {
    const err = relativeError(got[i], w);
    if (!(err <= tol)) throw new Error(`${label}: output ${i} on ${backend} differs from cpu by ${err.toExponential(2)} (relative; limit ${tol})`);
  });
}

/** Runs `fn` on cpu and on wasm and throws if any output differs by more than `tol` (relative). */
export async function expectSameOnCpuAndWasm(label: string, fn: () => tf.Tensor[], tol = 1e-4): Promise<void> {
  await expectSameAsCpu('wasm', label, fn, tol);
}

/** Adam steps of the seed-CNN training comparisons. */
export const SEED_CNN_STEPS = 3;

/** A fixed seed-CNN batch: `size` random images in [0, 1) and labels 0, 3, 6, 9, ... */
export interface SeedCnnBatch {
  xs: Float32Array;
  labels: number[];
}

export function seedCnnBatch(size = 4, seed = 2024): SeedCnnBatch {
  const rand = rng(seed);
  const xs = randomArray(size * 28 * 28, rand).map((v) => Math.abs(v));
  return { xs, labels: Array.from({ length: size }, (_, i) => (i * 3) % 10) };
}

/**
 * On the active backend: a seed CNN (seed 7, or exactly `initialWeights` when given) takes
 * SEED_CNN_STEPS Adam steps on `batch`; returns the loss of each step and then that of one more
 * forward pass, so the weights after the last update count too.
 */
export async function lossTrajectory(batch: SeedCnnBatch, initialWeights?: readonly Float32Array[]): Promise<number[]> {
  const model = seedCnn({ seed: 7 });
  const n = batch.labels.length;
  const x = tf.tensor4d(batch.xs, [n, 28, 28, 1]);
  const y = tf.oneHot(tf.tensor1d(batch.labels, 'int32'), 10).toFloat();
  const losses: number[] = [];
  try {
    if (initialWeights) {
      const values = model.weights.map((w, i) => tf.tensor(initialWeights[i], w.shape as number[]));
      model.setWeights(values);
      tf.dispose(values);
    }
    for (let i = 0; i < SEED_CNN_STEPS; i++) {
      const out = await model.trainOnBatch(x, y);
      losses.push(Array.isArray(out) ? out[0] : out);
    }
    const evaluated = model.evaluate(x, y) as tf.Scalar[];
    losses.push(evaluated[0].dataSync()[0]);
    tf.dispose(evaluated);
  } finally {
    model.dispose();
    tf.dispose([x, y]);
  }
  return losses;
}
