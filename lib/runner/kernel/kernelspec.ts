/**
 * Finding how to start a kernel: a registered kernelspec (Jupyter's search path) or, when none is
 * registered under the name, the project's own tslab run directly by node.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { siblingScriptCommand } from './process';

/** How to start one kernel: the resolved kernel.json plus where it came from. */
export interface KernelSpec {
  name: string;
  display_name: string;
  language: string;
  argv: string[];
  env: Record<string, string>;
  interrupt_mode: 'signal' | 'message';
  /** The kernelspec directory, or 'local tslab' for the built-in fallback. */
  source: string;
}

/** The directories Jupyter searches for `kernels/<name>/kernel.json`, most specific first. */
export function kernelspecSearchDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const dataDirs: string[] = [];
  for (const p of (env.JUPYTER_PATH ?? '').split(path.delimiter)) if (p) dataDirs.push(p);
  if (env.JUPYTER_DATA_DIR) dataDirs.push(env.JUPYTER_DATA_DIR);
  else if (process.platform === 'darwin') dataDirs.push(path.join(os.homedir(), 'Library', 'Jupyter'));
  else if (process.platform === 'win32') dataDirs.push(path.join(env.APPDATA ?? os.homedir(), 'jupyter'));
  else dataDirs.push(path.join(env.XDG_DATA_HOME ?? path.join(os.homedir(), '.local', 'share'), 'jupyter'));
  if (process.platform !== 'win32') dataDirs.push('/usr/local/share/jupyter', '/usr/share/jupyter');
  return dataDirs.map((d) => path.join(d, 'kernels'));
}

/** Reads `<dir>/kernel.json`; throws naming the file when it is not a usable kernelspec. */
export function readKernelspec(dir: string, name: string): KernelSpec {
  const file = path.join(dir, 'kernel.json');
  let raw: any;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: cannot read kernelspec (${(err as Error).message})`);
  }
  if (!Array.isArray(raw.argv) || raw.argv.length === 0 || !raw.argv.every((a: unknown) => typeof a === 'string')) {
    throw new Error(`${file}: "argv" must be a non-empty list of strings`);
  }
  return {
    name,
    display_name: typeof raw.display_name === 'string' ? raw.display_name : name,
    language: typeof raw.language === 'string' ? raw.language : '',
    argv: raw.argv,
    env: raw.env && typeof raw.env === 'object' ? raw.env : {},
    interrupt_mode: raw.interrupt_mode === 'message' ? 'message' : 'signal',
    source: dir,
  };
}

/**
 * The project's tslab, started with the node running us (no global install or PATH needed),
 * through ./tslab-entry, which fixes what tslab gets wrong on the wire (./tslab-kernel).
 */
export function localTslabSpec(name: 'tslab' | 'jslab' = 'tslab'): KernelSpec {
  const argv = [...siblingScriptCommand('tslab-entry'), '--config-path', '{connection_file}'];
  if (name === 'jslab') argv.push('--js');
  return {
    name,
    display_name: name === 'jslab' ? 'JavaScript' : 'TypeScript',
    language: name === 'jslab' ? 'javascript' : 'typescript',
    argv,
    env: {},
    interrupt_mode: 'signal',
    source: 'local tslab',
  };
}

/**
 * Resolves a kernel name: the first registered kernelspec of that name on the search path, else
 * the local tslab for 'tslab'/'jslab'. Throws with the places searched when nothing matches.
 */
export function findKernelspec(name: string, searchDirs: string[] = kernelspecSearchDirs()): KernelSpec {
  for (const base of searchDirs) {
    const dir = path.join(base, name);
    if (fs.existsSync(path.join(dir, 'kernel.json'))) return readKernelspec(dir, name);
  }
  if (name === 'tslab' || name === 'jslab') return localTslabSpec(name);
  throw new Error(`no kernel named "${name}": searched ${searchDirs.join(', ') || '(nothing)'}; register it (e.g. "tslab install") or pass --kernel tslab`);
}

/** Fills `{connection_file}` and `{resource_dir}` in a kernelspec's argv. */
export function kernelArgv(spec: KernelSpec, connectionFile: string): string[] {
  return spec.argv.map((a) => a.replace(/\{connection_file\}/g, connectionFile).replace(/\{resource_dir\}/g, spec.source));
}
