/**
 * Jupyter for the kernel and front-end specs: a tslab kernelspec in a private JUPYTER_PATH whose
 * kernels record their pids (so cleanup can end any kernel left behind), and a classic Jupyter
 * Notebook server with its own config, data and runtime dirs.
 */
import { type ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { freePort, stopChild } from './process';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
export const TSLAB_MAIN = path.join(PROJECT_ROOT, 'node_modules', 'tslab', 'dist', 'main.js');

/** How the classic Notebook server is started unless a spec says otherwise. */
export const JUPYTER_NOTEBOOK = ['jupyter', 'notebook'];

/** Why `command --version` (classic Notebook) or tslab cannot run here, or null when both can. */
export function notebookServerUnavailable(command: string[] = JUPYTER_NOTEBOOK): string | null {
  const probe = spawnSync(command[0], [...command.slice(1), '--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return `classic Jupyter Notebook is not installed (${command.join(' ')}; Debian package jupyter-notebook)`;
  return tslabUnavailable();
}

/** Why the project's tslab cannot be started, or null. */
export function tslabUnavailable(): string | null {
  return fs.existsSync(TSLAB_MAIN) ? null : 'tslab is not installed in node_modules';
}

/** A kernelspec to register: its name and the display name front ends show. */
export interface TslabKernelSpec {
  name: string;
  displayName: string;
}

/**
 * Registers the project's tslab as kernel `spec.name` under `jupyterPath`. The kernel starts
 * through a wrapper that appends its pid to `pidFile`, for killRecordedKernels.
 */
export function registerTslabKernel(jupyterPath: string, spec: TslabKernelSpec, pidFile: string): void {
  const kernelDir = path.join(jupyterPath, 'kernels', spec.name);
  fs.mkdirSync(kernelDir, { recursive: true });
  const wrapper = path.join(kernelDir, 'start-tslab.js');
  fs.writeFileSync(wrapper, `require('fs').appendFileSync(${JSON.stringify(pidFile)}, process.pid + '\\n');\n` +
    `require(${JSON.stringify(TSLAB_MAIN)}).main();\n`);
  fs.writeFileSync(path.join(kernelDir, 'kernel.json'), JSON.stringify({
    argv: [process.execPath, wrapper, 'kernel', '--config-path', '{connection_file}'],
    display_name: spec.displayName,
    language: 'typescript',
  }));
}

/** The notebook metadata that selects `spec`. */
export function kernelspecMetadata(spec: TslabKernelSpec): { kernelspec: { name: string; display_name: string; language: string } } {
  return { kernelspec: { name: spec.name, display_name: spec.displayName, language: 'typescript' } };
}

/** True when process `pid` is still one of our kernels (its wrapper), not a process that reused the number. */
function isRecordedKernel(pid: number): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('start-tslab.js');
  } catch {
    return false;
  }
}

/**
 * SIGKILLs every kernel recorded in `pidFile` that is still there (normally the server ended them),
 * checking first that the number still belongs to a kernel: ids are reused, and a blind kill has
 * could take down an unrelated process (a browser another spec is using).
 */
export function killRecordedKernels(pidFile: string): void {
  if (!fs.existsSync(pidFile)) return;
  for (const pid of fs.readFileSync(pidFile, 'utf8').split('\n').map(Number)) {
    if (!Number.isInteger(pid) || pid <= 0 || !isRecordedKernel(pid)) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone, as it should be.
    }
  }
}

export interface NotebookServerOptions {
  /** Served folder, and the server's working directory. */
  notebookDir: string;
  jupyterPath: string;
  /** Parent of the server's private config, data, runtime and IPython dirs. */
  stateDir: string;
  token: string;
  /** Kernels recorded here are killed when the server stops. */
  pidFile?: string;
  command?: string[];
  /** Start the server in its own process group (stop then kills the group). */
  detached?: boolean;
  startTimeoutMs?: number;
}

export interface NotebookServer {
  base: string;
  token: string;
  process: ChildProcess;
  /** The tail of the server's output, for error messages. */
  log(): string;
  /** Stops the server (SIGTERM, then SIGKILL) and kills recorded kernels; safe to call twice. */
  stop(): Promise<void>;
}

/** Starts classic Jupyter Notebook on a free port and waits until it answers. */
export async function startNotebookServer(options: NotebookServerOptions): Promise<NotebookServer> {
  const command = options.command ?? JUPYTER_NOTEBOOK;
  const port = await freePort();
  const { stateDir, token } = options;
  const proc = spawn(command[0], [
    ...command.slice(1), '--no-browser', `--port=${port}`, '--port-retries=0', '--ip=127.0.0.1',
    `--NotebookApp.token=${token}`, `--notebook-dir=${options.notebookDir}`, ...(process.getuid?.() === 0 ? ['--allow-root'] : []),
  ], {
    cwd: options.notebookDir,
    env: {
      ...process.env,
      JUPYTER_PATH: options.jupyterPath,
      JUPYTER_CONFIG_DIR: path.join(stateDir, 'config'),
      JUPYTER_DATA_DIR: path.join(stateDir, 'data'),
      JUPYTER_RUNTIME_DIR: path.join(stateDir, 'runtime'),
      IPYTHONDIR: path.join(stateDir, 'ipython'),
    },
    detached: options.detached ?? false,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  // Without a listener, a failed spawn would take the whole test run down; the wait reports it.
  proc.on('error', (err) => (output += `cannot start ${command[0]}: ${err.message}\n`));
  proc.stdout!.on('data', (d) => (output += d));
  proc.stderr!.on('data', (d) => (output += d));
  const server: NotebookServer = {
    base: `http://127.0.0.1:${port}`,
    token,
    process: proc,
    log: () => output.slice(-3000),
    stop: async () => {
      try {
        await stopChild(proc);
      } finally {
        if (options.pidFile) killRecordedKernels(options.pidFile);
      }
    },
  };
  try {
    await waitForServer(server, options.startTimeoutMs ?? 30_000);
    return server;
  } catch (err) {
    await server.stop();
    throw err;
  }
}

async function waitForServer(server: NotebookServer, timeoutMs: number): Promise<void> {
  const url = `${server.base}/api/status?token=${server.token}`;
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (server.process.exitCode !== null || server.log().startsWith('cannot start ')) {
      throw new Error(`jupyter notebook exited (${server.process.exitCode}):\n${server.log()}`);
    }
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`jupyter notebook did not answer at ${server.base} within ${timeoutMs} ms:\n${server.log()}`);
}

/** A notebook server in a temp folder of its own; stop() also removes the folder. */
export interface TslabNotebook extends NotebookServer {
  workDir: string;
}

/**
 * Starts a notebook server in a fresh temp folder with `kernel` registered and `files`
 * (name -> notebook JSON) in the served folder `notebooks/`.
 */
export async function startTslabNotebook(prefix: string, kernel: TslabKernelSpec, files: Record<string, unknown>, token: string): Promise<TslabNotebook> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const removeWorkDir = () => fs.rmSync(workDir, { recursive: true, force: true });
  try {
    const pidFile = path.join(workDir, 'kernel-pids');
    const jupyterPath = path.join(workDir, 'jupyter');
    registerTslabKernel(jupyterPath, kernel, pidFile);
    const notebookDir = path.join(workDir, 'notebooks');
    fs.mkdirSync(notebookDir);
    for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(notebookDir, name), JSON.stringify(content));
    const server = await startNotebookServer({ notebookDir, jupyterPath, stateDir: workDir, token, pidFile });
    return {
      ...server,
      workDir,
      stop: async () => {
        try {
          await server.stop();
        } finally {
          removeWorkDir();
        }
      },
    };
  } catch (err) {
    removeWorkDir();
    throw err;
  }
}
