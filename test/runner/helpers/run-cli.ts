/**
 * Runs `digit-lab run ...` from the TypeScript sources (no build needed): the command module alone,
 * registered on a fresh program. Used by the CLI specs as a child process.
 */
import { Command } from 'commander';
import { register } from '../../../lib/cli/run';

const program = new Command('digit-lab');
register(program);
program.parseAsync(['run', ...process.argv.slice(2)], { from: 'user' }).catch((err: unknown) => {
  process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
