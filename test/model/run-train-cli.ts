/** Runs the train/predict subcommands in a child process straight from the TypeScript sources. */
import { spawn } from 'child_process';
import * as path from 'path';

export const ROOT = path.resolve(__dirname, '..', '..');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

const SCRIPT = `
const { Command } = require('commander');
const program = new Command('digit-lab');
require('./lib/cli/train').register(program);
require('./lib/cli/predict').register(program);
program.parseAsync(process.argv.slice(1), { from: 'user' });
`;

/** `node -e script args...` with tsx, from the project root: the CLI straight from the TypeScript sources. */
export function runSourceScript(script: string, args: string[], timeoutMs = 120000): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', '-e', script, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => { clearTimeout(timer); reject(err); });
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

/** `digit-lab <args>` with only the train and predict commands (no build needed). */
export function runCli(args: string[], timeoutMs = 120000): Promise<CliRun> {
  return runSourceScript(SCRIPT, args, timeoutMs);
}
