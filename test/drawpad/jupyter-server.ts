/**
 * A private classic Jupyter Notebook server for the pad's front-end test: its own config, data
 * and runtime dirs, a tslab kernelspec whose kernels record their pids (so cleanup can end any
 * kernel left behind), and a stop that escalates from SIGTERM to SIGKILL.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from './fixtures';

export const PAD_KERNEL_NAME = 'tslab-drawpad-test';

/** Why the server cannot run here, or null. */
export function jupyterNotebookUnavailable(): string | null {
  const probe = spawnSync('jupyter', ['notebook', '--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return 'jupyter notebook is not installed (Debian package jupyter-notebook)';
  if (!fs.existsSync(path.join(ROOT, 'node_modules', 'tslab', 'dist', 'main.js'))) return 'tslab is not installed in node_modules';
  return null;
}

export interface NotebookServer {
  base: string;
  token: string;
  workDir: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function stopProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  proc.kill('SIGTERM');
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 5000));
  if ((await Promise.race([exited, timeout])) === 'timeout') {
    proc.kill('SIGKILL');
    await exited;
  }
}

function killRecorded(pidFile: string): void {
  if (!fs.existsSync(pidFile)) return;
  for (const line of fs.readFileSync(pidFile, 'utf8').split('\n')) {
    const pid = Number(line);
    if (!Number.isInteger(pid) || pid <= 0) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already shut down by the server
    }
  }
}

/** Starts `jupyter notebook` on a free port with `files` (name -> JSON) in its folder. */
export async function startNotebookServer(files: Record<string, unknown>): Promise<NotebookServer> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'digit-lab-drawpad-jupyter-'));
  const pidFile = path.join(workDir, 'kernel-pids');
  const token = 'drawpad-test';
  let proc: ChildProcess | null = null;
  const stop = async () => {
    try {
      if (proc) await stopProcess(proc);
    } finally {
      killRecorded(pidFile);
      fs.rmSync(workDir, { recursive: true, force: true });
    }
  };
  try {
    const kernelDir = path.join(workDir, 'jupyter', 'kernels', PAD_KERNEL_NAME);
    fs.mkdirSync(kernelDir, { recursive: true });
    const wrapper = path.join(workDir, 'kernel.js');
    fs.writeFileSync(wrapper, `require('fs').appendFileSync(${JSON.stringify(pidFile)}, process.pid + '\\n');\n` +
      `require(${JSON.stringify(path.join(ROOT, 'node_modules', 'tslab', 'dist', 'main.js'))}).main();\n`);
    fs.writeFileSync(path.join(kernelDir, 'kernel.json'), JSON.stringify({
      argv: [process.execPath, wrapper, 'kernel', '--config-path', '{connection_file}'],
      display_name: 'TypeScript (drawpad test)',
      language: 'typescript',
    }));
    const notebooks = path.join(workDir, 'notebooks');
    fs.mkdirSync(notebooks);
    for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(notebooks, name), JSON.stringify(content));
    const port = await freePort();
    let log = '';
    proc = spawn('jupyter', ['notebook', '--no-browser', `--port=${port}`, '--port-retries=0', '--ip=127.0.0.1', `--NotebookApp.token=${token}`,
      `--notebook-dir=${notebooks}`, ...(process.getuid?.() === 0 ? ['--allow-root'] : [])], {
      cwd: notebooks,
      env: {
        ...process.env,
        JUPYTER_PATH: path.join(workDir, 'jupyter'),
        JUPYTER_CONFIG_DIR: path.join(workDir, 'config'),
        JUPYTER_DATA_DIR: path.join(workDir, 'data'),
        JUPYTER_RUNTIME_DIR: path.join(workDir, 'runtime'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.stdout!.on('data', (d) => (log += d));
    proc.stderr!.on('data', (d) => (log += d));
    const base = `http://127.0.0.1:${port}`;
    const until = Date.now() + 30_000;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`jupyter notebook exited (${proc.exitCode}):\n${log.slice(-3000)}`);
      try {
        if ((await fetch(`${base}/api/status?token=${token}`)).ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > until) throw new Error(`jupyter notebook did not answer at ${base}:\n${log.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    return { base, token, workDir, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
