/** Versions of the kernel's tslab and node, for the run summary (best effort, never throws). */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { KernelSpec } from './kernel/kernelspec';

function readVersion(pkgJson: string): string | null {
  try {
    return JSON.parse(fs.readFileSync(pkgJson, 'utf8')).version ?? null;
  } catch {
    return null;
  }
}

/**
 * The tslab that will really run: a global tslab hands over to the one installed nearest the
 * kernel's working directory, so look there first, then beside the kernelspec's command.
 */
function tslabVersion(spec: KernelSpec, cwd: string): string | null {
  try {
    return readVersion(require.resolve('tslab/package.json', { paths: [cwd] }));
  } catch {
    // Not installed near cwd.
  }
  const bin = spec.argv.find((a) => /tslab[\\/]bin[\\/]tslab$/.test(a));
  if (bin) return readVersion(path.join(path.dirname(bin), '..', 'package.json'));
  return null;
}

function nodeVersion(spec: KernelSpec): string | null {
  const exe = spec.argv[0];
  if (exe === process.execPath) return process.version;
  const node = /(^|[\\/])node(js)?(\.exe)?$/.test(exe) ? exe : 'node';
  const out = spawnSync(node, ['--version'], { encoding: 'utf8', timeout: 5000 });
  return out.status === 0 ? out.stdout.trim() : null;
}

/** `{ tslab, node }` versions for the kernel described by `spec` (null where unknown). */
export function kernelVersions(spec: KernelSpec, cwd: string): { tslab: string | null; node: string | null } {
  const isTslab = spec.name === 'tslab' || spec.name === 'jslab' || spec.argv.some((a) => /tslab/.test(a));
  return { tslab: isTslab ? tslabVersion(spec, cwd) : null, node: isTslab ? nodeVersion(spec) : null };
}
