/** Connection files: fresh ports and a random signing key for each kernel we start. */
import { randomBytes } from 'crypto';
import { promises as fs } from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

/** The contents of a Jupyter connection file. */
export interface ConnectionInfo {
  transport: 'tcp';
  ip: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  key: string;
  signature_scheme: 'hmac-sha256';
  kernel_name?: string;
}

/** Asks the OS for a free TCP port on `ip` (closed again at once; the kernel binds it next). */
function freePort(ip: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, ip, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Builds connection info with five distinct free ports and a random key. */
export async function createConnectionInfo(kernelName?: string, ip = '127.0.0.1'): Promise<ConnectionInfo> {
  const ports = new Set<number>();
  while (ports.size < 5) ports.add(await freePort(ip));
  const [shell, iopub, stdin, control, hb] = [...ports];
  return {
    transport: 'tcp',
    ip,
    shell_port: shell,
    iopub_port: iopub,
    stdin_port: stdin,
    control_port: control,
    hb_port: hb,
    key: randomBytes(32).toString('hex'),
    signature_scheme: 'hmac-sha256',
    kernel_name: kernelName,
  };
}

/** Connection folders are named PREFIX + the pid of the process that owns them + '-' + random. */
const DIR_PREFIX = 'digit-lab-kernel-';
const OWNED_DIR = /^digit-lab-kernel-(\d+)-/;

/**
 * Writes the connection file (owner-only, it holds the key) into a fresh temp directory named
 * after this process, so a later run can tell when its owner is gone (see removeStaleConnectionDirs).
 */
export async function writeConnectionFile(info: ConnectionInfo, tmpDir = os.tmpdir()): Promise<{ file: string; dir: string }> {
  const dir = await fs.mkdtemp(path.join(tmpDir, `${DIR_PREFIX}${process.pid}-`));
  const file = path.join(dir, 'connection.json');
  await fs.writeFile(file, JSON.stringify(info, null, 2), { mode: 0o600 });
  return { file, dir };
}

/** True when a process with this id exists (EPERM: it exists but is not ours). */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the connection folders in `tmpDir` whose owning process has ended: what a run killed
 * before it could clean up left behind (its watchdog removes them too, but may itself be killed).
 * Never fails: a folder it cannot remove is left. Returns the folders removed.
 */
export async function removeStaleConnectionDirs(tmpDir = os.tmpdir()): Promise<string[]> {
  let names: string[];
  try {
    names = await fs.readdir(tmpDir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const owner = OWNED_DIR.exec(name);
    if (!owner || processExists(Number(owner[1]))) continue;
    const dir = path.join(tmpDir, name);
    try {
      await fs.rm(dir, { recursive: true });
      removed.push(dir);
    } catch {
      // Another user's, or removed meanwhile.
    }
  }
  return removed;
}
