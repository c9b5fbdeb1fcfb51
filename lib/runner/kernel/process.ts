/**
 * Kernel processes: each kernel runs under a watchdog (./watchdog) that leads a new process group,
 * so the whole tree (a kernel may spawn children) can be signalled at once, and so the kernel
 * dies with us even when we are killed with SIGKILL. Tracked so none survives us, on normal exit,
 * on errors and on SIGINT, SIGTERM and SIGHUP.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { Readable } from 'stream';

/** How a kernel process ended: a code, a signal, or an error starting it. */
export interface KernelExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: string;
}

/** A started kernel process with the tail of what it printed outside any cell. */
export interface KernelProcess {
  /** Process id of the kernel's watchdog, which leads the kernel's process group. */
  readonly pid: number;
  /** Resolves with the exit code or signal when the process ends. */
  readonly exited: Promise<KernelExit>;
  /** Process id of the kernel itself, once it runs. */
  kernelPid(): number | undefined;
  isAlive(): boolean;
  /** The last few kilobytes of the kernel's own stdout/stderr (useful in startup errors). */
  logTail(): string;
  /** Signals the kernel's whole process group (SIGINT interrupts the kernel). */
  signal(sig: NodeJS.Signals): void;
  /** Kills the whole process group with SIGKILL (no-op when already gone). */
  kill(): void;
}

export interface KernelProcessOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** A folder the watchdog removes if it has to shut the kernel down because we are gone. */
  removeOnOrphan?: string;
}

/** The signals on which we kill our kernels and leave with status 128 + number. */
const STOP_SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };
/** How long to wait for the watchdog's last report after it exited. */
const REPORT_DRAIN_MS = 200;

const live = new Set<KernelProcess>();
let handlersInstalled = false;
let lastSignal: NodeJS.Signals | undefined;

/** The signal (SIGINT/SIGTERM/SIGHUP) that made us kill our kernels, if any: explains a dead kernel. */
export function receivedSignal(): NodeJS.Signals | undefined {
  return lastSignal;
}

function killGroup(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(process.platform === 'win32' ? pid : -pid, sig);
  } catch {
    try {
      process.kill(pid, sig);
    } catch {
      // Already gone.
    }
  }
}

function onExit(): void {
  for (const k of live) k.kill();
}

function onSignal(sig: NodeJS.Signals): void {
  lastSignal = sig;
  for (const k of [...live]) k.kill();
  uninstallHandlers();
  // Whoever waits on the kernel sees it die and writes what it has; if nothing finishes the
  // process soon, leave with the conventional status for the signal.
  process.exitCode = 128 + (STOP_SIGNALS[sig] ?? 15);
  setTimeout(() => process.exit(process.exitCode ?? 1), 5000).unref();
}

/**
 * Catches the stop signals from now on (startKernelProcess does so anyway): called before a kernel's
 * files exist, so a signal that comes while they are made is seen (receivedSignal) instead of
 * ending us on the spot with the files left behind.
 */
export function watchStopSignals(): void {
  installHandlers();
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', onExit);
  for (const sig of Object.keys(STOP_SIGNALS)) process.on(sig, onSignal);
}

function uninstallHandlers(): void {
  if (!handlersInstalled) return;
  handlersInstalled = false;
  process.off('exit', onExit);
  for (const sig of Object.keys(STOP_SIGNALS)) process.off(sig, onSignal);
}

/** Number of kernel processes started by this process that are still running (for tests). */
export function liveKernelCount(): number {
  return live.size;
}

/**
 * How to run the entry script `name` beside this file (the watchdog, the tslab launcher) in this
 * file's form: .ts under tsx, .js in the build.
 */
export function siblingScriptCommand(name: string): string[] {
  const entry = path.join(__dirname, `${name}${path.extname(__filename)}`);
  // A loader given to mocha or to our own node (--require) is not inherited by a child process.
  return entry.endsWith('.ts') ? [process.execPath, '--require', require.resolve('tsx/cjs'), entry] : [process.execPath, entry];
}

/** What is wrong with `cwd` as a working directory, if anything (spawn would only say ENOENT). */
export function workingDirectoryProblem(cwd: string): string | undefined {
  try {
    return fs.statSync(cwd).isDirectory() ? undefined : `its working directory ${cwd} is not a folder`;
  } catch {
    return `its working directory ${cwd} does not exist`;
  }
}

/** The watchdog's JSON-lines reports from fd 3: the kernel's pid, or why it could not start. */
function readReports(stream: Readable | null | undefined, onReport: (report: { pid?: number; error?: string }) => void): Promise<void> {
  return new Promise((resolve) => {
    if (!stream) return resolve();
    let buffered = '';
    stream.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        try {
          onReport(JSON.parse(line));
        } catch {
          // Not ours: ignore.
        }
      }
    });
    stream.on('end', resolve);
    stream.on('error', () => resolve());
    stream.on('close', resolve);
  });
}

/**
 * Starts `argv` under a watchdog in a new process group; stdout/stderr are captured, the kernel's
 * stdin is closed. The watchdog's stdin is a pipe from us: when we end, it kills the kernel.
 */
export function startKernelProcess(argv: string[], options: KernelProcessOptions): KernelProcess {
  const cwdProblem = workingDirectoryProblem(options.cwd);
  if (cwdProblem) return failedProcess(cwdProblem);
  const [command, ...args] = siblingScriptCommand('watchdog');
  const remove = options.removeOnOrphan ? ['--remove', options.removeOnOrphan] : [];
  const child = spawn(command, [...args, ...remove, '--', ...argv], {
    cwd: options.cwd,
    env: options.env,
    detached: process.platform !== 'win32',
    stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
  });
  // The pipe must stay open while we live; it is never written to.
  child.stdin?.on('error', () => {});
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-8192);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let kernelPid: number | undefined;
  let startError: string | undefined;
  const reportsDone = readReports(child.stdio[3] as Readable | null, (r) => {
    if (typeof r.pid === 'number') kernelPid = r.pid;
    if (typeof r.error === 'string') startError = r.error;
  });
  let alive = true;
  const exited = new Promise<KernelExit>((resolve) => {
    child.on('error', (err) => {
      const message = workingDirectoryProblem(options.cwd) ?? err.message;
      keep(Buffer.from(`${message}\n`));
      alive = false;
      live.delete(handle);
      resolve({ code: null, signal: null, error: message });
    });
    child.on('exit', async (code, signal) => {
      alive = false;
      // The group may still hold children of the kernel: take them down too.
      killGroup(child.pid ?? 0, 'SIGKILL');
      live.delete(handle);
      if (live.size === 0) uninstallHandlers();
      // A start-up failure is reported just before the watchdog exits: let it arrive.
      if (kernelPid === undefined) await Promise.race([reportsDone, new Promise((r) => setTimeout(r, REPORT_DRAIN_MS))]);
      resolve(startError ? { code: null, signal: null, error: startError } : { code, signal });
    });
  });
  const handle: KernelProcess = {
    pid: child.pid ?? -1,
    exited,
    kernelPid: () => kernelPid,
    isAlive: () => alive,
    logTail: () => tail,
    signal(sig) {
      if (alive && child.pid) killGroup(child.pid, sig);
    },
    kill() {
      // Never after the exit: the group's id is then free for reuse, and a late kill would hit
      // whatever took it (a browser started detached leads a group of the same number).
      if (alive && child.pid) killGroup(child.pid, 'SIGKILL');
    },
  };
  if (child.pid) {
    live.add(handle);
    installHandlers();
  }
  return handle;
}

/** A process that never started, for errors found before spawning. */
function failedProcess(error: string): KernelProcess {
  const exited = Promise.resolve<KernelExit>({ code: null, signal: null, error });
  return {
    pid: -1,
    exited,
    kernelPid: () => undefined,
    isAlive: () => false,
    logTail: () => `${error}\n`,
    signal() {},
    kill() {},
  };
}
