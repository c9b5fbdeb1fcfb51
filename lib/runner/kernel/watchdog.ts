/**
 * The kernel's watchdog: a tiny Node process between the runner and the kernel, so the kernel can
 * never outlive the runner, however the runner ends (SIGKILL included, which no handler sees).
 *
 *   node watchdog.js [--remove DIR] -- KERNEL_ARGV...
 *
 * The runner starts it as the leader of a new process group with a pipe on stdin and a report
 * pipe on fd 3. It starts the kernel in that same group, so the runner's group signals (SIGINT
 * to interrupt, SIGKILL to kill) reach the kernel and its children directly. When stdin ends (the
 * runner is gone, whichever way) or it gets SIGTERM/SIGHUP, it terminates the group (SIGTERM, then
 * SIGKILL, itself included) and removes DIR. When the kernel ends on its own it exits with the
 * kernel's status, so the runner sees what the kernel did. It reports on fd 3, one JSON object a
 * line: `{"pid":N}` once the kernel runs, `{"error":"..."}` when it could not be started.
 *
 * Entry point only: it imports nothing but Node built-ins, so it starts in a few tens of ms.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';

/** How long the kernel's group gets to end on SIGTERM before SIGKILL. */
const TERM_GRACE_MS = 500;
const REPORT_FD = 3;

/** The watchdog's command line: the folder to remove on shutdown and the kernel's argv. */
export interface WatchdogArgs {
  remove?: string;
  argv: string[];
}

/** Parses `[--remove DIR] -- ARGV...`; throws on anything else. */
export function parseWatchdogArgs(args: string[]): WatchdogArgs {
  const out: WatchdogArgs = { argv: [] };
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--') {
      out.argv = args.slice(i + 1);
      break;
    }
    if (args[i] === '--remove' && i + 1 < args.length) out.remove = args[++i];
    else throw new Error(`unknown watchdog argument "${args[i]}"`);
  }
  if (!out.argv.length) throw new Error('no kernel command given after "--"');
  return out;
}

/** Tells the runner something on the report pipe (written synchronously: we may exit next). */
function report(value: Record<string, unknown>): void {
  try {
    fs.writeSync(REPORT_FD, `${JSON.stringify(value)}\n`);
  } catch {
    // No report pipe (run by hand) or the runner is gone: nobody to tell.
  }
}

/** Signals our process group; falls back to the kernel alone when we lead no group. */
function signalGroup(sig: NodeJS.Signals, kernelPid: number | undefined): void {
  try {
    process.kill(-process.pid, sig);
  } catch {
    try {
      if (kernelPid) process.kill(kernelPid, sig);
    } catch {
      // Already gone.
    }
  }
}

/** Starts the kernel and watches both ends: the runner (stdin, signals) and the kernel. */
function run(args: WatchdogArgs): void {
  let kernelPid: number | undefined;
  let shuttingDown = false;
  const removeDir = () => {
    if (args.remove) fs.rmSync(args.remove, { recursive: true, force: true });
  };
  const finish = () => {
    removeDir();
    // SIGKILL to the group takes any child the kernel left behind, and us.
    signalGroup('SIGKILL', kernelPid);
    process.exit(1);
  };
  const shutdown = () => {
    if (shuttingDown) return;
    shuttingDown = true;
    signalGroup('SIGTERM', kernelPid);
    setTimeout(finish, TERM_GRACE_MS);
  };
  // The group's SIGINT is the runner interrupting the kernel, which gets it too: not for us.
  process.on('SIGINT', () => {});
  // The SIGTERM we send the group in shutdown() reaches us too: shutdown() is idempotent.
  process.on('SIGTERM', shutdown);
  process.on('SIGHUP', shutdown);
  process.stdin.on('end', shutdown);
  process.stdin.on('error', shutdown);
  process.stdin.on('close', shutdown);
  process.stdin.resume();

  const [command, ...rest] = args.argv;
  const kernel = spawn(command, rest, { stdio: ['ignore', 'inherit', 'inherit'] });
  kernel.on('spawn', () => {
    kernelPid = kernel.pid;
    report({ pid: kernel.pid });
  });
  kernel.on('error', (err) => {
    report({ error: err.message });
    removeDir();
    process.exit(1);
  });
  kernel.on('exit', (code, signal) => {
    if (shuttingDown) return finish();
    // The runner is alive (else we would be shutting down): it kills what is left of the group
    // when we exit. Take the kernel's status as ours so the runner can tell how it ended.
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
      // A signal whose default action is not to terminate: fall through to a plain exit.
    }
    process.exit(code ?? 1);
  });
}

if (require.main === module) {
  try {
    run(parseWatchdogArgs(process.argv.slice(2)));
  } catch (err) {
    report({ error: (err as Error).message });
    process.stderr.write(`watchdog: ${(err as Error).message}\n`);
    process.exit(2);
  }
}
