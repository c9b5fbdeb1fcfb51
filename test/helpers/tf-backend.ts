/** Mocha hooks around tfjs backends. */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/engine';
import { skipIf } from './skip';

/** The backends the suites run on (the names initBackend takes and tf.getBackend() reports). */
export type TestBackend = 'tensorflow' | 'wasm' | 'cpu';

/** The backend active now, initialising the best registered one if none is yet (getBackend() throws while an async one is pending). */
export async function currentBackend(): Promise<string> {
  await tf.ready();
  return tf.getBackend();
}

/** Switches back to `previous` (a name from tf.getBackend()) if another backend is active. */
export async function restoreBackend(previous: string | undefined): Promise<void> {
  if (previous && tf.getBackend() !== previous) await tf.setBackend(previous);
}

/**
 * Runs the enclosing describe on `backend`: switches with initBackend(backend, { quiet: true })
 * before its tests and restores the backend that was active after them. When `absent()` gives a
 * reason (evaluated when the suite starts), every test of the describe is skipped with the reason
 * printed. A backend that is present but fails to start fails the hook (it is not skipped).
 */
export function pinBackend(backend: TestBackend, absent: () => string | null = () => null): void {
  let previous: string | undefined;
  before(async function () {
    skipIf(this, absent());
    previous = await currentBackend();
    await initBackend(backend, { quiet: true });
    if (tf.getBackend() !== backend) throw new Error(`initBackend('${backend}') left "${tf.getBackend()}" active`);
  });
  after(async () => {
    await restoreBackend(previous);
  });
}

/**
 * Pins the cpu backend for the enclosing describe and restores the previous one after it: another
 * spec in the same process may have switched to wasm, and exact-repeat assertions are about one backend.
 */
export function pinCpuBackend(): void {
  pinBackend('cpu');
}
