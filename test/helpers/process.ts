/** Ports and child processes for specs that start servers. */
import type { ChildProcess } from 'child_process';
import * as net from 'net';

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Stops a child: SIGTERM first (a runner or server then shuts its kernels down), SIGKILL to its
 * process group (or to it, when it leads none) if it is still there after `graceMs`.
 */
export async function stopChild(child: ChildProcess | null | undefined, graceMs = 5000): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
  if ((await Promise.race([exited, timer])) === 'timeout') {
    try {
      if (child.pid === undefined) throw new Error('no pid');
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
    await exited;
  }
}

/**
 * Runs cleanup steps in order, each even if an earlier one failed (no browser, server or kernel
 * may outlive a test), then rethrows the first failure.
 */
export async function cleanUpInOrder(...steps: Array<() => unknown>): Promise<void> {
  let failure: { error: unknown } | undefined;
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      failure ??= { error };
    }
  }
  if (failure) throw failure.error;
}
