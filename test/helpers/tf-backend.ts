/** Mocha hooks around tfjs backends. */
import * as tf from '@tensorflow/tfjs';

/**
 * Pins the cpu backend for the enclosing describe and restores the previous one after it: another
 * spec in the same process may have switched to wasm, and exact-repeat assertions are about one backend.
 */
export function pinCpuBackend(): void {
  let previousBackend: string;
  before(async () => {
    previousBackend = tf.getBackend();
    await tf.setBackend('cpu');
  });
  after(async () => {
    if (previousBackend && previousBackend !== 'cpu') await tf.setBackend(previousBackend);
  });
}
