/**
 * The PyTorch reference: runs ../shared/bench/torch_seed_cnn.py (Debian's python3-torch, run with
 * /usr/bin/python3) so our numbers are compared with torch on the same machine in the same run.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import { referenceScriptPath, runJsonScript, type SeedCnnReferenceResult } from './reference';

export const TORCH_PYTHON = '/usr/bin/python3';

/** Where the reference script lives: ../shared/bench/ next to the project. */
export function torchScriptPath(): string {
  return referenceScriptPath('torch_seed_cnn.py');
}

/** Whether the torch reference can run here, and if not, why. */
export function torchAvailable(python = TORCH_PYTHON, script = torchScriptPath()): { ok: boolean; reason: string } {
  if (!fs.existsSync(script)) return { ok: false, reason: `${script} not found` };
  if (!fs.existsSync(python)) return { ok: false, reason: `${python} not found` };
  const probe = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8', timeout: 60_000 });
  if (probe.status !== 0) return { ok: false, reason: `${python} cannot import torch (apt-get install -y python3-torch)` };
  return { ok: true, reason: 'torch found' };
}

/** The seed CNN's throughput in PyTorch (torch_seed_cnn.py's JSON line). */
export type TorchBenchResult = SeedCnnReferenceResult;

/** Runs the reference script and returns its (last) JSON line. */
export function runTorchBench(
  options: { threads: number; steps: number; reps: number; python?: string; script?: string; timeoutMs?: number },
): Promise<TorchBenchResult> {
  return runJsonScript<TorchBenchResult>({
    python: options.python ?? TORCH_PYTHON,
    script: options.script ?? torchScriptPath(),
    args: ['--threads', String(options.threads), '--steps', String(options.steps), '--reps', String(options.reps)],
    timeoutMs: options.timeoutMs,
  });
}
