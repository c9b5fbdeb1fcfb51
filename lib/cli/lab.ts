/** `digit-lab lab`: register the tslab kernel with Jupyter and open the notebooks in Jupyter. */
import { Command } from 'commander';
import { spawn, spawnSync } from 'child_process';
import * as path from 'path';
import { action, CliError } from './common';
import { digitLabRoot } from '../common/paths';


/** Finds a Python that has Jupyter's client library, preferring the one on PATH. */
export function findJupyterPython(candidates = ['python3', '/usr/bin/python3', 'python']): string | null {
  for (const python of candidates) {
    const probe = spawnSync(python, ['-c', 'import jupyter_client'], { stdio: 'ignore' });
    if (probe.status === 0) return python;
  }
  return null;
}

/** Which Jupyter front end is installed: Lab when present, else the classic Notebook. */
function findFrontEnd(python: string): 'lab' | 'notebook' | null {
  for (const [mod, name] of [['jupyterlab', 'lab'], ['notebook', 'notebook']] as const) {
    if (spawnSync(python, ['-c', `import ${mod}`], { stdio: 'ignore' }).status === 0) return name;
  }
  return null;
}

/**
 * Registers the project's own tslab as the `tslab` kernel (user kernelspec, pointing at this
 * checkout's binary so no global install is needed). Returns the Python used.
 */
export function registerTslabKernel(quiet = false): string {
  const python = findJupyterPython();
  if (!python) {
    throw new CliError('Jupyter is not installed: install it (e.g. `pip install jupyterlab`, or Debian `apt-get install jupyter-notebook`) and run again');
  }
  const tslab = path.join(digitLabRoot(), 'node_modules', '.bin', 'tslab');
  const result = spawnSync(tslab, ['install', `--python=${python}`, `--binary=${tslab}`, '--user'], {
    stdio: quiet ? 'ignore' : 'inherit',
  });
  if (result.status !== 0) throw new CliError(`registering the tslab kernel with ${python} failed (exit ${result.status})`);
  return python;
}

export function register(program: Command): void {
  program
    .command('lab')
    .description('Register the TypeScript (tslab) kernel with Jupyter and open notebooks/ in Jupyter Lab (or the classic Notebook)')
    .option('--no-open', 'register the kernel only; do not start Jupyter')
    .option('--port <port>', 'port for the Jupyter server')
    .action(
      action(async (opts: { open: boolean; port?: string }) => {
        const python = registerTslabKernel();
        if (!opts.open) return;
        const frontEnd = findFrontEnd(python);
        if (!frontEnd) throw new CliError(`${python} has no Jupyter Lab or Notebook front end; install jupyterlab`);
        const args = ['-m', frontEnd === 'lab' ? 'jupyterlab' : 'notebook', `--notebook-dir=${path.join(digitLabRoot(), 'notebooks')}`];
        if (opts.port) args.push(`--port=${opts.port}`);
        if (process.getuid?.() === 0) args.push('--allow-root');
        const child = spawn(python, args, { stdio: 'inherit' });
        await new Promise<void>((resolve) => child.on('exit', () => resolve()));
      }),
    );
}
