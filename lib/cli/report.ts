/** `digit-lab report` (`npm run report`): run the walkthrough notebook and write the report into reports/. */
import { Command } from 'commander';
import * as path from 'path';
import { digitLabRoot } from '../common/paths';
import { action } from './common';
import { addRunnerOptions, runNotebookFromCli } from './run';

/** The walkthrough notebook and where its report goes, relative to the project root. */
export const REPORT_NOTEBOOK = path.join('notebooks', 'Digit_Recognizer.ipynb');
export const REPORT_DIR = 'reports';

/** Registers `report` on the program: `run` with the walkthrough notebook and reports/ as defaults. */
export function register(program: Command): void {
  const root = digitLabRoot();
  const cmd = program
    .command('report')
    .description('run notebooks/Digit_Recognizer.ipynb on the tslab kernel and write reports/Digit_Recognizer.html and .ipynb (accepts every `run` option, e.g. -p epochs 3)')
    .option('--notebook <path>', 'the notebook to run', path.join(root, REPORT_NOTEBOOK));
  addRunnerOptions(cmd, { outputDir: path.join(root, REPORT_DIR), output: 'Digit_Recognizer' }).action(
    action((opts: { notebook: string } & Record<string, unknown>) => runNotebookFromCli(opts.notebook, opts)),
  );
}
