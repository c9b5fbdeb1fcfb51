/**
 * Running a reference script (Keras, PyTorch) in a child process: the scripts live in
 * ../shared/bench/ next to the project and print their result as one JSON line last.
 */
import { spawn } from 'child_process';
import * as path from 'path';
import { digitLabRoot } from '../common/paths';

/** A script in ../shared/bench/ (next to the project). */
export function referenceScriptPath(name: string): string {
  return path.resolve(digitLabRoot(), '..', 'shared', 'bench', name);
}

/** How to run a reference script. */
/** The seed CNN's throughput as a reference script (Keras, PyTorch) prints it in its JSON line. */
export interface SeedCnnReferenceResult {
  engine: string;
  threads: number;
  model: 'seed-cnn';
  trainBatch: number;
  trainExamplesPerSec: number;
  inferBatch: number;
  inferExamplesPerSec: number;
}

export interface ScriptRun {
  python: string;
  script: string;
  args: string[];
  /** Killed after this long (default 10 minutes). */
  timeoutMs?: number;
  /** Called every `heartbeatMs` with the seconds elapsed, so a long silent run shows it is alive. */
  onHeartbeat?: (seconds: number) => void;
  heartbeatMs?: number;
}

/** Runs the script and returns its last JSON line, parsed; a failure names the script and its last stderr line. */
export function runJsonScript<T>(run: ScriptRun): Promise<T> {
  const { python, script } = run;
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(python, [script, ...run.args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), run.timeoutMs ?? 600_000);
    const heartbeat = run.onHeartbeat
      ? setInterval(() => run.onHeartbeat?.(Math.round((Date.now() - started) / 1000)), run.heartbeatMs ?? 30_000)
      : undefined;
    const stop = () => {
      clearTimeout(timer);
      if (heartbeat) clearInterval(heartbeat);
    };
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('error', (e) => {
      stop();
      reject(new Error(`cannot run ${python}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      stop();
      const last = out.trim().split('\n').filter((l) => l.startsWith('{')).pop();
      if (code !== 0 || !last) {
        const why = signal ? `killed by ${signal}` : `exit status ${code}`;
        reject(new Error(`${path.basename(script)} failed (${why}): ${err.trim().split('\n').pop() ?? ''}`));
        return;
      }
      try {
        resolve(JSON.parse(last) as T);
      } catch {
        reject(new Error(`${path.basename(script)} printed a line that is not JSON: ${last}`));
      }
    });
  });
}
