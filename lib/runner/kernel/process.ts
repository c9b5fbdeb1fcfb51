/**
 * Kernel processes: started in their own process group so the whole tree (a kernel may spawn
 * children) can be killed at once, and tracked so none survives us, on normal exit, on errors,
 * on SIGINT and on SIGTERM.
 */
import { ChildProcess, spawn } from 'child_process';

/** A started kernel process with the tail of what it printed outside any cell. */
export interface KernelProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  /** Resolves with the exit code or signal when the process ends. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: string }>;
  isAlive(): boolean;
  /** The last few kilobytes of the kernel's own stdout/stderr (useful in startup errors). */
  logTail(): string;
  signal(sig: NodeJS.Signals): void;
  /** Kills the whole process group with SIGKILL (no-op when already gone). */
  kill(): void;
}

const live = new Set<KernelProcess>();
let handlersInstalled = false;
let lastSignal: NodeJS.Signals | undefined;

/** The signal (SIGINT/SIGTERM) that made us kill our kernels, if any: explains a dead kernel. */
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
  process.exitCode = sig === 'SIGINT' ? 130 : 143;
  setTimeout(() => process.exit(process.exitCode ?? 1), 5000).unref();
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', onExit);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

function uninstallHandlers(): void {
  if (!handlersInstalled) return;
  handlersInstalled = false;
  process.off('exit', onExit);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
}

/** Number of kernel processes started by this process that are still running (for tests). */
export function liveKernelCount(): number {
  return live.size;
}

/** Starts `argv` detached in a new process group; stdout/stderr are captured, stdin closed. */
export function startKernelProcess(argv: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): KernelProcess {
  const child = spawn(argv[0], argv.slice(1), {
    cwd: options.cwd,
    env: options.env,
    detached: process.platform !== 'win32',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-8192);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let alive = true;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: string }>((resolve) => {
    child.on('error', (err) => {
      keep(Buffer.from(`${err.message}\n`));
      alive = false;
      live.delete(handle);
      resolve({ code: null, signal: null, error: err.message });
    });
    child.on('exit', (code, signal) => {
      alive = false;
      // The group may still hold children of the kernel: take them down too.
      killGroup(child.pid ?? 0, 'SIGKILL');
      live.delete(handle);
      if (live.size === 0) uninstallHandlers();
      resolve({ code, signal });
    });
  });
  const handle: KernelProcess = {
    pid: child.pid ?? -1,
    child,
    exited,
    isAlive: () => alive,
    logTail: () => tail,
    signal(sig) {
      if (alive && child.pid) killGroup(child.pid, sig);
    },
    kill() {
      if (child.pid) killGroup(child.pid, 'SIGKILL');
    },
  };
  if (child.pid) {
    live.add(handle);
    installHandlers();
  }
  return handle;
}
