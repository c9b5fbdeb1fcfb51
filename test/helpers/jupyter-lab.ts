/**
 * JupyterLab 4 for the end-to-end suite: found in a Python (DIGIT_LAB_LAB_PYTHON, CI's lab lane
 * venv, or python3), started on loopback with private config, data, runtime, settings and
 * workspace folders, the project's kernel registered there exactly as `digit-lab lab` registers
 * it, and the application object exposed to the page (window.jupyterapp) so a test can drive it.
 */
import { type ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { labKernelSpec } from '../../lib/cli/lab';
import { freePort, stopChild } from './process';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** Where CI's lab lane puts its virtual environment (.ci/lab-lane). */
const CI_LAB_PYTHON = path.join(PROJECT_ROOT, '.ci', 'lab-venv', 'bin', 'python');

function hasJupyterLab(python: string): boolean {
  return spawnSync(python, ['-c', 'import jupyterlab, plotly'], { stdio: 'ignore' }).status === 0;
}

/** A Python with JupyterLab and plotly, or null; a path is made absolute (Lab runs elsewhere). */
export function findLabPython(): string | null {
  const candidates = [process.env.DIGIT_LAB_LAB_PYTHON, CI_LAB_PYTHON, 'python3', '/usr/bin/python3'];
  const found = candidates.find((p): p is string => Boolean(p) && hasJupyterLab(p!));
  return found === undefined ? null : found.includes('/') ? path.resolve(found) : found;
}

/** Why JupyterLab cannot be used here (with what to install), or null. */
export function labUnavailable(): string | null {
  return findLabPython()
    ? null
    : 'no Python with jupyterlab and plotly (set DIGIT_LAB_LAB_PYTHON, or run .ci/lab-lane, which pip-installs them into .ci/lab-venv)';
}

export interface JupyterLab {
  base: string;
  token: string;
  process: ChildProcess;
  /** The tail of the server's output, for error messages. */
  log(): string;
  /** Stops the server and any kernel of ours it left running; safe to call twice. */
  stop(): Promise<void>;
}

/** Pids of processes whose command line mentions `marker` (our kernels name their connection file). */
function processesMentioning(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker)) pids.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}

/**
 * Starts JupyterLab serving `root`, with all its state under `stateDir`, the project's kernel
 * registered as `tslab` (as `digit-lab lab` does), the news and update checks off (no network), and
 * every cell rendered (no windowing).
 */
export async function startJupyterLab(options: { python: string; root: string; stateDir: string; token: string; startTimeoutMs?: number }): Promise<JupyterLab> {
  const { python, root, stateDir, token } = options;
  const dirs = {
    JUPYTER_CONFIG_DIR: path.join(stateDir, 'config'),
    JUPYTER_DATA_DIR: path.join(stateDir, 'data'),
    JUPYTER_RUNTIME_DIR: path.join(stateDir, 'runtime'),
    JUPYTERLAB_SETTINGS_DIR: path.join(stateDir, 'settings'),
    JUPYTERLAB_WORKSPACES_DIR: path.join(stateDir, 'workspaces'),
    IPYTHONDIR: path.join(stateDir, 'ipython'),
  };
  for (const dir of Object.values(dirs)) fs.mkdirSync(dir, { recursive: true });
  const kernelDir = path.join(dirs.JUPYTER_DATA_DIR, 'kernels', 'tslab');
  fs.mkdirSync(kernelDir, { recursive: true });
  fs.writeFileSync(path.join(kernelDir, 'kernel.json'), JSON.stringify(labKernelSpec()));
  const settings = (plugin: string, values: Record<string, unknown>) => {
    const file = path.join(dirs.JUPYTERLAB_SETTINGS_DIR, '@jupyterlab', `${plugin}.jupyterlab-settings`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(values));
  };
  settings('apputils-extension/notification', { fetchNews: 'false', checkForUpdates: false });
  // Every cell in the page, not only those scrolled into view, so checks see every output.
  settings('notebook-extension/tracker', { windowingMode: 'none' });

  const port = await freePort();
  const proc = spawn(python, [
    '-m', 'jupyterlab', '--no-browser', `--port=${port}`, '--port-retries=0', '--ip=127.0.0.1',
    `--IdentityProvider.token=${token}`, `--ServerApp.root_dir=${root}`, '--LabApp.expose_app_in_browser=True',
    ...(process.getuid?.() === 0 ? ['--allow-root'] : []),
  ], { cwd: root, env: { ...process.env, ...dirs, JUPYTER_PATH: dirs.JUPYTER_DATA_DIR }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let spawnError: Error | undefined;
  // Without a listener, a failed spawn would take the whole test run down.
  proc.on('error', (err) => (spawnError = err));
  const keep = (d: Buffer) => (output = (output + d.toString('utf8')).slice(-20_000));
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  let stopped: Promise<void> | undefined;
  const lab: JupyterLab = {
    base: `http://127.0.0.1:${port}`,
    token,
    process: proc,
    log: () => output.slice(-4000),
    stop: () =>
      (stopped ??= (async () => {
        await stopChild(proc);
        // The server ends its kernels on the way out; any it could not are found by their connection file.
        for (const pid of processesMentioning(dirs.JUPYTER_RUNTIME_DIR)) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // Already gone.
          }
        }
      })()),
  };
  const until = Date.now() + (options.startTimeoutMs ?? 60_000);
  try {
    for (;;) {
      if (spawnError) throw new Error(`cannot start jupyter lab with ${python}: ${spawnError.message}`);
      if (proc.exitCode !== null) throw new Error(`jupyter lab exited (${proc.exitCode}):\n${lab.log()}`);
      try {
        if ((await fetch(`${lab.base}/api/status?token=${token}`)).ok) return lab;
      } catch {
        // Not listening yet.
      }
      if (Date.now() > until) throw new Error(`jupyter lab did not answer at ${lab.base}:\n${lab.log()}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  } catch (err) {
    await lab.stop();
    throw err;
  }
}
