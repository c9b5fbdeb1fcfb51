/** Starting a kernel end to end: connection file, process, ZeroMQ transport, kernel_info. */
import { promises as fs } from 'fs';
import { KernelStartupError } from '../document/errors';
import { KernelClient, KernelClientOptions } from './client';
import { createConnectionInfo, removeStaleConnectionDirs, writeConnectionFile } from './connection';
import { KernelSpec, kernelArgv } from './kernelspec';
import { receivedSignal, startKernelProcess, watchStopSignals, workingDirectoryProblem } from './process';
import { connectZmq } from './transport';

/** A started, ready kernel. `close()` shuts it down and removes its connection file. */
export interface RunningKernel {
  client: KernelClient;
  spec: KernelSpec;
  /** Process id of the kernel (absent for test doubles). */
  pid?: number;
  /** The kernel_info_reply content. */
  info: Record<string, any>;
  /** Pings the heartbeat channel; true when the kernel echoed within `timeoutMs`. */
  heartbeat?(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export interface LaunchOptions extends KernelClientOptions {
  cwd: string;
  startupTimeoutMs: number;
  env?: NodeJS.ProcessEnv;
}

/** Launches the kernel described by `spec` and waits until it is ready; never leaves it running on failure. */
export async function launchKernel(spec: KernelSpec, options: LaunchOptions): Promise<RunningKernel> {
  const cwdProblem = workingDirectoryProblem(options.cwd);
  if (cwdProblem) throw new KernelStartupError(`kernel "${spec.name}" cannot start: ${cwdProblem}`);
  watchStopSignals();
  await removeStaleConnectionDirs();
  const info = await createConnectionInfo(spec.name);
  const { file, dir } = await writeConnectionFile(info);
  const interrupted = receivedSignal();
  if (interrupted) {
    await fs.rm(dir, { recursive: true, force: true });
    throw new KernelStartupError(`kernel "${spec.name}" start-up was interrupted (${interrupted})`);
  }
  const argv = kernelArgv(spec, file);
  const env = { ...(options.env ?? process.env), ...spec.env };
  const proc = startKernelProcess(argv, { cwd: options.cwd, env, removeOnOrphan: dir });
  const transport = connectZmq(info);
  const exited = proc.exited.then(({ code, signal, error }) => (error ? `could not run it: ${error}` : signal ? `killed by ${signal}` : `exit code ${code}`));
  const client = new KernelClient(
    transport,
    { isAlive: () => proc.isAlive(), exited, interruptSignal: () => proc.signal('SIGINT'), kill: () => proc.kill() },
    { interruptMode: spec.interrupt_mode, ...options },
  );
  const close = async () => {
    await client.shutdown();
    await proc.exited;
    await fs.rm(dir, { recursive: true, force: true });
  };
  try {
    const reply = await client.waitReady(options.startupTimeoutMs);
    return { client, pid: proc.kernelPid() ?? proc.pid, spec, info: reply, heartbeat: (ms) => transport.heartbeat(ms), close };
  } catch (err) {
    proc.kill();
    transport.close();
    await proc.exited;
    await fs.rm(dir, { recursive: true, force: true });
    // We killed it ourselves on a signal: that, not how it died, is what happened.
    const sig = receivedSignal();
    if (sig) throw new KernelStartupError(`kernel "${spec.name}" start-up was interrupted (${sig})`);
    const log = proc.logTail().trim();
    throw new KernelStartupError(
      `kernel "${spec.name}" (${argv.join(' ')}) failed to start: ${(err as Error).message}${log ? `; it printed: ${log.split('\n').slice(-3).join(' | ')}` : ''}`,
      log,
    );
  }
}
