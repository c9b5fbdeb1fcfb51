/**
 * Running suites once per TensorFlow.js backend: cpu and wasm are always present, tensorflow when a
 * native tfjs-node is (npm-installed, or the `digit-lab native` build; see findNativeSource). An
 * absent backend still gets its describe, whose tests are skipped with the reason printed.
 */
import * as tf from '@tensorflow/tfjs';
import { findNativeSource } from '../../lib/engine/native/load';
import { skipIf } from './skip';
import { pinBackend } from './tf-backend';
import type { TestBackend } from './tf-backend';

export type { TestBackend } from './tf-backend';

/** Every backend a suite may run on, fastest first. */
export const ALL_BACKENDS: readonly TestBackend[] = ['tensorflow', 'wasm', 'cpu'];

/** Why `backend` cannot run in this process, or null when it can. */
export function backendAbsence(backend: TestBackend): string | null {
  if (backend !== 'tensorflow') return null;
  // Once loaded, the backend stays registered whatever DIGIT_LAB_NATIVE_DIR says now.
  if (tf.findBackendFactory('tensorflow')) return null;
  const found = findNativeSource();
  return found.source ? null : `no tensorflow backend: ${found.reason}`;
}

/** The backends present here, fastest first. */
export function presentBackends(): TestBackend[] {
  return ALL_BACKENDS.filter((b) => backendAbsence(b) === null);
}

export interface EachBackendOptions {
  /** Only these backends (default ALL_BACKENDS). */
  only?: readonly TestBackend[];
}

/**
 * Registers `describe('<title> [<backend>]')` once per backend, each switched to its backend with
 * initBackend(backend, { quiet: true }) before its tests and back to the previous backend after.
 * `body` registers the tests as a describe body does; it gets the backend's name.
 */
export function describeEachBackend(
  title: string,
  body: (this: Mocha.Suite, backend: TestBackend) => void,
  options: EachBackendOptions = {},
): void {
  for (const backend of options.only ?? ALL_BACKENDS) {
    describe(`${title} [${backend}]`, function () {
      pinBackend(backend, () => backendAbsence(backend));
      body.call(this, backend);
    });
  }
}

/**
 * Skips the current test on the cpu backend, printing why (it trains at about one example per
 * second, so some training tests would take minutes there). Name such tests "... (not on cpu: too slow)".
 */
export function skipOnCpu(ctx: Mocha.Context, backend: TestBackend, why = 'training this much takes minutes on the pure-JS cpu backend'): void {
  skipIf(ctx, backend === 'cpu' ? why : null);
}
