/**
 * Shared pieces of the end-to-end specs: the built library, the CLI as a child process with a hard
 * time limit, and a temporary project layout for the notebook (Chromium: test/helpers/chromium.ts).
 */
import { type ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stopChild } from '../helpers/process';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

function newestMtime(dir: string, ext: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full, ext));
    else if (entry.name.endsWith(ext)) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * Builds dist/lib when it is missing or older than a source in lib/: the notebook imports the
 * compiled library, so testing against a stale build would test old code.
 */
export function ensureLibraryBuilt(): void {
  const entry = path.join(PROJECT_ROOT, 'dist', 'lib', 'index.js');
  const built = fs.existsSync(entry) ? fs.statSync(entry).mtimeMs : 0;
  if (built >= newestMtime(path.join(PROJECT_ROOT, 'lib'), '.ts')) return;
  const tsc = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(PROJECT_ROOT, 'tsconfig.json')], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    timeout: 180_000,
  });
  if (tsc.error) throw new Error(`npm run build could not run: ${tsc.error.message}`);
  if (tsc.status !== 0) {
    // tsc still emits JavaScript on type errors; the notebook run then shows whether it works.
    const fresh = fs.existsSync(entry) && fs.statSync(entry).mtimeMs > built;
    if (!fresh) throw new Error(`npm run build failed (status ${tsc.status}):\n${(tsc.stdout + tsc.stderr).slice(-3000)}`);
    console.log(`      (warning: npm run build reported type errors; testing the JavaScript it emitted)\n${(tsc.stdout + tsc.stderr).slice(-1500)}`);
  }
}

/** Exit status and output of a finished child process. */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Children started by runCli that have not exited yet, so a failing test can still end them. */
const running = new Set<ChildProcess>();

/** Ends every CLI child that is still running (for after() hooks). */
export async function stopRunningClis(): Promise<void> {
  await Promise.all([...running].map((c) => stopChild(c)));
}

/** Runs `node bin/digit-lab.js ARGS` in its own process group; stopped (see stopChild) after `timeoutMs`. */
export function runCli(args: string[], timeoutMs: number): Promise<CliResult> {
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'digit-lab.js'), ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, NO_COLOR: '1' },
    detached: process.platform !== 'win32',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void stopChild(child);
  }, timeoutMs);
  return new Promise((resolve, reject) => {
    child.once('error', (err) => {
      clearTimeout(timer);
      running.delete(child);
      reject(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

/** A one-line summary of a CLI run for assertion messages. */
export function describeRun(run: CliResult): string {
  const how = run.timedOut ? 'timed out' : `exited with ${run.code ?? run.signal}`;
  return `${how}; stderr tail:\n${run.stderr.slice(-2000)}`;
}

/** A temporary copy of the project layout the notebook expects around its folder. */
export interface ProjectSandbox {
  root: string;
  /** The kernel's working folder (the notebook imports ../dist/lib from here). */
  notebooksDir: string;
  cleanup(): void;
}

/**
 * A temp folder with `dist`, `node_modules` and `data` linked to the project's and empty
 * `notebooks/` and `reports/`: the notebook runs exactly as in the project, but what it writes
 * next to itself (the saved model in ../reports/model) stays out of the user's reports/.
 */
export function createProjectSandbox(prefix: string): ProjectSandbox {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  for (const name of ['dist', 'node_modules', 'data']) fs.symlinkSync(path.join(PROJECT_ROOT, name), path.join(root, name), 'dir');
  const notebooksDir = path.join(root, 'notebooks');
  fs.mkdirSync(notebooksDir);
  fs.mkdirSync(path.join(root, 'reports'));
  return { root, notebooksDir, cleanup: () => fs.rmSync(root, { recursive: true, force: true }) };
}

/** nbformat multiline text as one string. */
export function joinText(value: unknown): string {
  return Array.isArray(value) ? value.join('') : String(value ?? '');
}
