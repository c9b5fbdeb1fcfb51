/** `digit-lab lab`: register the tslab kernel with Jupyter and open the notebooks in Jupyter. */
import { Command } from 'commander';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
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

/** The kernelspec `digit-lab lab` registers: this checkout's CLI, run by the node running us. */
export function labKernelSpec(): { argv: string[]; display_name: string; language: string } {
  return {
    argv: [process.execPath, path.join(digitLabRoot(), 'bin', 'digit-lab.js'), 'kernel', '--config-path', '{connection_file}'],
    display_name: 'TypeScript',
    language: 'typescript',
  };
}

/**
 * Registers the project's tslab (through `digit-lab kernel`, which answers the requests tslab
 * gets wrong) as the user's `tslab` kernel; only that one: `tslab install` would also add a
 * JavaScript kernel nobody asked for. Returns the Python used.
 */
export function registerTslabKernel(quiet = false): string {
  const python = findJupyterPython();
  if (!python) {
    throw new CliError('Jupyter is not installed: install it (e.g. `pip install jupyterlab`, or Debian `apt-get install jupyter-notebook`) and run again');
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'digit-lab-kernelspec-'));
  try {
    fs.writeFileSync(path.join(dir, 'kernel.json'), `${JSON.stringify(labKernelSpec(), null, 1)}\n`);
    const install = 'import sys\nfrom jupyter_client.kernelspec import KernelSpecManager\n' +
      'print(KernelSpecManager().install_kernel_spec(sys.argv[1], "tslab", user=True))';
    const result = spawnSync(python, ['-c', install, dir], { encoding: 'utf8' });
    if (result.status !== 0) {
      throw new CliError(`registering the tslab kernel with ${python} failed (exit ${result.status}): ${result.stderr.trim().split('\n').pop()}`);
    }
    if (!quiet) console.log(`registered the TypeScript kernel "tslab" in ${result.stdout.trim()}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return python;
}

export function register(program: Command): void {
  program
    .command('kernel', { hidden: true })
    .description('Run the TypeScript kernel on a Jupyter connection file (what the registered kernelspec starts)')
    .requiredOption('--config-path <file>', 'the connection file Jupyter wrote')
    .action((opts: { configPath: string }) => {
      const { startTslabKernel } = require('../runner/kernel/tslab-kernel') as typeof import('../runner/kernel/tslab-kernel');
      startTslabKernel(opts.configPath);
    });
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
