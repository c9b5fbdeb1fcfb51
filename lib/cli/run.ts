/** `digit-lab run NOTEBOOK` (also the `nbconvert-ts-runner` bin): options come from RUNNER_OPTIONS. */
import { Command, Option } from 'commander';
import { optionHelp, RUNNER_OPTIONS } from '../runner/options';
import { parseParameterPairs } from '../runner/parameters';
import { createProgressReporter } from '../runner/run-progress';
import { runNotebookToFiles, RunNotebookOptions } from '../runner/files';
import { action, CliError } from './common';
import { positiveSecondsParser } from './flags';

/** Maps parsed commander options to RunNotebookOptions (negated flags like --no-input included). */
export function toRunOptions(opts: Record<string, any>): RunNotebookOptions {
  const out: Record<string, unknown> = {};
  for (const spec of RUNNER_OPTIONS) {
    const key = new Option(spec.flags).attributeName();
    if (spec.flags.startsWith('--no-')) out[spec.name] = opts[key] === false;
    else if (spec.type === 'pairs') out[spec.name] = parseParameterPairs(opts[key] ?? []);
    else if (opts[key] !== undefined) out[spec.name] = opts[key];
  }
  return out as RunNotebookOptions;
}

/** Declares every runner option on `cmd`; `defaults` overrides a default by option name (e.g. for `report`). */
export function addRunnerOptions(cmd: Command, defaults: Record<string, string> = {}): Command {
  for (const spec of RUNNER_OPTIONS) {
    const option = new Option(spec.flags, optionHelp(spec));
    if (spec.type === 'number') option.argParser(positiveSecondsParser(spec.flags.split(' ')[0]));
    if (defaults[spec.name] !== undefined) option.default(defaults[spec.name]);
    else if (spec.default !== undefined && !spec.flags.startsWith('--no-')) option.default(spec.default);
    cmd.addOption(option);
  }
  return cmd;
}

/** Runs `notebook` to NAME.ipynb + NAME.html with progress, as `run` and `report` do; throws CliError on failure. */
export async function runNotebookFromCli(notebook: string, opts: Record<string, any>): Promise<void> {
  let runOptions: RunNotebookOptions;
  try {
    runOptions = toRunOptions(opts);
  } catch (err) {
    throw new CliError((err as Error).message);
  }
  const progress = createProgressReporter({ logOutput: runOptions.logOutput });
  const result = await runNotebookToFiles(notebook, {
    ...runOptions,
    onEvent: progress.onEvent,
    onWarning: (m) => process.stderr.write(`warning: ${m}\n`),
  }).finally(progress.stop);
  process.stderr.write(`wrote ${result.ipynbPath} and ${result.htmlPath}\n`);
  // A signal handler may already have set 130/143; keep that status.
  const signalled = Number(process.exitCode ?? 0);
  if (!result.ok) throw new CliError(result.reason ?? 'the run failed', signalled > 1 ? signalled : 1);
}

export function register(program: Command): void {
  const cmd = program
    .command('run')
    .description('execute a notebook on its kernel (tslab by default) and write NAME.ipynb and NAME.html; exit 0 only when every cell ran without error')
    .argument('<notebook>', 'the .ipynb file to run');
  addRunnerOptions(cmd).action(action(runNotebookFromCli));
}
