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

/** Writes the connection file (owner-only, it holds the key) into a fresh temp directory. */
export async function writeConnectionFile(info: ConnectionInfo): Promise<{ file: string; dir: string }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'digit-lab-kernel-'));
  const file = path.join(dir, 'connection.json');
  await fs.writeFile(file, JSON.stringify(info, null, 2), { mode: 0o600 });
  return { file, dir };
}
