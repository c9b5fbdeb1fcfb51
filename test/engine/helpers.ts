/** Shared helpers for the engine specs: seeded data and cpu-vs-wasm comparison. */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/engine';
import { seededRandom } from '../../lib/common/random';

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

/** Runs `fn` on a backend and returns the values of the tensors it returns. */
export async function valuesOn(backend: 'cpu' | 'wasm', fn: () => tf.Tensor[]): Promise<Float32Array[]> {
  if (backend === 'wasm') await useWasm();
  else await tf.setBackend('cpu');
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

/** Runs `fn` on cpu and on wasm and throws if any output differs by more than `tol` (relative). */
export async function expectSameOnCpuAndWasm(label: string, fn: () => tf.Tensor[], tol = 1e-4): Promise<void> {
  const want = await valuesOn('cpu', fn);
  const got = await valuesOn('wasm', fn);
  if (want.length !== got.length) throw new Error(`${label}: ${got.length} outputs on wasm, ${want.length} on cpu`);
  want.forEach((w, i) => {
    const err = relativeError(got[i], w);
    if (!(err <= tol)) throw new Error(`${label}: output ${i} differs from cpu by ${err.toExponential(2)} (relative; limit ${tol})`);
  });
}
