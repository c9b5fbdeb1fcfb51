/**
 * The PyTorch reference: runs ../shared/bench/torch_seed_cnn.py (Debian's python3-torch, run with
 * /usr/bin/python3) so our numbers are compared with torch on the same machine in the same run.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { digitLabRoot } from '../common/paths';

export const TORCH_PYTHON = '/usr/bin/python3';

/** Where the reference script lives: ../shared/bench/ next to the project. */
export function torchScriptPath(): string {
  return path.resolve(digitLabRoot(), '..', 'shared', 'bench', 'torch_seed_cnn.py');
}

/** Whether the torch reference can run here, and if not, why. */
export function torchAvailable(python = TORCH_PYTHON, script = torchScriptPath()): { ok: boolean; reason: string } {
  if (!fs.existsSync(script)) return { ok: false, reason: `${script} not found` };
  if (!fs.existsSync(python)) return { ok: false, reason: `${python} not found` };
  const probe = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8', timeout: 60_000 });
  if (probe.status !== 0) return { ok: false, reason: `${python} cannot import torch (apt-get install -y python3-torch)` };
  return { ok: true, reason: 'torch found' };
}

export interface TorchBenchResult {
  engine: string;
  threads: number;
  model: 'seed-cnn';
  trainBatch: number;
  trainExamplesPerSec: number;
  inferBatch: number;
  inferExamplesPerSec: number;
}

/** Runs the reference script and returns its (last) JSON line. */
export function runTorchBench(
  options: { threads: number; steps: number; reps: number; python?: string; script?: string; timeoutMs?: number },
): Promise<TorchBenchResult> {
  const python = options.python ?? TORCH_PYTHON;
  const script = options.script ?? torchScriptPath();
  const args = [script, '--threads', String(options.threads), '--steps', String(options.steps), '--reps', String(options.reps)];
  return new Promise((resolve, reject) => {
    const child = spawn(python, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 600_000);
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${python}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const last = out.trim().split('\n').filter((l) => l.startsWith('{')).pop();
      if (code !== 0 || !last) {
        const why = signal ? `killed by ${signal}` : `exit status ${code}`;
        reject(new Error(`${path.basename(script)} failed (${why}): ${err.trim().split('\n').pop() ?? ''}`));
        return;
      }
      try {
        resolve(JSON.parse(last) as TorchBenchResult);
      } catch {
        reject(new Error(`${path.basename(script)} printed a line that is not JSON: ${last}`));
      }
    });
  });
}
