/**
 * Checks a native tfjs-node in a child process, so a crash of a fresh addon cannot take the
 * command down with it: the backend starts, and a small conv gradient agrees with our wasm engine.
 */
import { spawnSync } from 'child_process';
import { NativeSetupError } from './errors';

export interface VerifyResult {
  backend: string;
  tensorflowVersion: string;
  /** Largest difference of the gradients between tensorflow and wasm, relative to their scale. */
  gradientDifference: number;
}

/** Gradients may differ by float rounding (oneDNN vs XNNPACK orders), never by more. */
export const GRADIENT_TOLERANCE = 1e-4;

/** The child entry beside this file, in this file's form (.ts under tsx, .js in the build). */
function childArgs(): string[] {
  const entry = __filename.replace(/verify(\.[jt]s)$/, 'verify-child$1');
  // A loader given to mocha (--require) is not inherited by a child process.
  return entry.endsWith('.ts') ? ['--require', require.resolve('tsx/cjs'), entry] : [entry];
}

/** Loads the tfjs-node package at `packageDir` in a child Node and compares a gradient with wasm. */
export function verifyNative(packageDir: string): VerifyResult {
  const run = spawnSync(process.execPath, [...childArgs(), packageDir], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  const output = `${run.stdout ?? ''}${run.stderr ?? ''}`.trim();
  if (run.status !== 0) {
    const lines = output.split('\n').filter((l) => l.trim() && !/^(I0000|WARNING: All log messages)/.test(l));
    throw new NativeSetupError(`the built addon does not load: ${lines.slice(0, 3).join(' | ') || `exit ${run.status ?? run.signal}`}`);
  }
  const line = run.stdout.trim().split('\n').pop() ?? '';
  const parsed = JSON.parse(line) as VerifyResult;
  if (parsed.backend !== 'tensorflow') throw new NativeSetupError(`the built addon started backend "${parsed.backend}", not tensorflow`);
  if (!(parsed.gradientDifference <= GRADIENT_TOLERANCE)) {
    throw new NativeSetupError(
      `the built addon computes a conv gradient that differs from wasm by ${parsed.gradientDifference.toExponential(2)} (limit ${GRADIENT_TOLERANCE})`,
    );
  }
  return parsed;
}
