/** `digit-lab handout NOTEBOOK`: the student copy of a teaching notebook (lib/runner/document/handout). */
import { Command } from 'commander';
import * as path from 'path';
import { resolvedPath } from '../common/paths';
import { action, CliError } from './common';

interface HandoutFlags {
  output?: string;
}

/** The default handout file: NAME-handout.ipynb beside the notebook. */
export function defaultHandoutPath(notebook: string): string {
  return path.join(path.dirname(notebook), `${path.basename(notebook, '.ipynb')}-handout.ipynb`);
}

async function handoutCommand(notebook: string, flags: HandoutFlags): Promise<void> {
  const output = flags.output ?? defaultHandoutPath(notebook);
  if (resolvedPath(output) === resolvedPath(notebook)) {
    throw new CliError(`--output ${output} is the notebook itself (${resolvedPath(notebook)}); the handout must go to another file`);
  }
  const { readNotebook, serializeNotebook, writeFileAtomic } = require('../runner/document/io') as typeof import('../runner/document/io');
  const { handoutNotebook, SOLUTION_TAG } = require('../runner/document/handout') as typeof import('../runner/document/handout');
  const handout = handoutNotebook(await readNotebook(notebook));
  await writeFileAtomic(output, serializeNotebook(handout.notebook));
  const solutions = handout.solutions === 1 ? '1 solution cell' : `${handout.solutions} solution cells`;
  console.log(`wrote ${output}: ${solutions} replaced by "// your code here", outputs cleared`);
  if (handout.solutions === 0) console.error(`digit-lab: ${notebook} has no cell tagged "${SOLUTION_TAG}": the handout is the notebook without outputs`);
}

/** Adds `digit-lab handout`. */
export function register(program: Command): void {
  program
    .command('handout')
    .description('Write the student copy of a teaching notebook: outputs cleared, cells tagged "solution" replaced by "// your code here"')
    .argument('<notebook>', 'the notebook (.ipynb)')
    .option('--output <file>', 'where to write the handout (default: NAME-handout.ipynb beside the notebook)')
    .action(action(handoutCommand));
}
