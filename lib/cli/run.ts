/** `digit-lab run NOTEBOOK` (also the `nbconvert-ts-runner` bin): options come from RUNNER_OPTIONS. */
import { Command, Option } from 'commander';
import type * as Runner from '../runner';
import type { RunNotebookOptions } from '../runner/files';
import { optionHelp, RUNNER_OPTIONS, type RunnerOption, type RunnerOptionName } from '../runner/options';
import { parseParameterPairs } from '../runner/parameters';
import { action, CliError } from './common';
import { positiveSecondsParser } from './flags';

/** The runner options a command may give its own defaults (as `report` does for the output place). */
export type RunnerDefaultOverrides = Partial<Pick<RunNotebookOptions, RunnerOptionName>>;

/** True for flags like --no-input, whose option is true when the flag is given. */
function isNegated(spec: RunnerOption): boolean {
  return spec.flags.startsWith('--no-');
}

/** The key under which commander stores the option's value (e.g. `input` for --no-input). */
function attributeName(spec: RunnerOption): string {
  return new Option(spec.flags).attributeName();
}

/** The strings of a variadic option's value (repeated -p NAME VALUE collects them all). */
function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

/**
 * The runner, loaded only when a notebook is run: it pulls in ZeroMQ and the HTML exporter, which
 * `--help` and the other subcommands do not need. `require`, not `import()`: under tsx's CommonJS
 * hook (how the specs run the sources) `import()` goes to Node's ESM loader, which cannot resolve
 * extensionless TypeScript paths.
 */
function loadRunner(): typeof Runner {
  return require('../runner') as typeof Runner;
}

/** Maps parsed commander options to RunNotebookOptions (negated flags like --no-input included). */
export function toRunOptions(opts: Record<string, unknown>): RunNotebookOptions {
  const out: RunNotebookOptions = {};
  for (const spec of RUNNER_OPTIONS) {
    const value = opts[attributeName(spec)];
    switch (spec.type) {
      case 'pairs':
        out[spec.name] = parseParameterPairs(stringList(value));
        break;
      case 'boolean':
        if (isNegated(spec)) out[spec.name] = value === false;
        else if (typeof value === 'boolean') out[spec.name] = value;
        break;
      case 'number':
        if (typeof value === 'number') out[spec.name] = value;
        break;
      case 'string':
        if (typeof value === 'string') out[spec.name] = value;
        break;
    }
  }
  return out;
}

/** The commander option for one runner option, with its parser and default. */
function commanderOption(spec: RunnerOption, defaults: RunnerDefaultOverrides): Option {
  const override = defaults[spec.name];
  const option = new Option(spec.flags, optionHelp(spec, override !== undefined));
  if (spec.type === 'number') option.argParser(positiveSecondsParser(spec.flags.split(' ')[0]));
  if (override !== undefined) option.default(override);
  else if ('default' in spec && !isNegated(spec)) option.default(spec.default);
  return option;
}

/** Declares every runner option on `cmd`; `defaults` overrides a default by option name (e.g. for `report`). */
export function addRunnerOptions(cmd: Command, defaults: RunnerDefaultOverrides = {}): Command {
  for (const spec of RUNNER_OPTIONS) cmd.addOption(commanderOption(spec, defaults));
  return cmd;
}

/** Runs `notebook` to NAME.ipynb + NAME.html with progress, as `run` and `report` do; throws CliError on failure. */
export async function runNotebookFromCli(notebook: string, opts: Record<string, unknown>): Promise<void> {
  let runOptions: RunNotebookOptions;
  try {
    runOptions = toRunOptions(opts);
  } catch (err) {
    throw new CliError((err as Error).message);
  }
  const { createProgressReporter, runNotebookToFiles } = loadRunner();
  const progress = createProgressReporter({ logOutput: runOptions.logOutput });
  const result = await runNotebookToFiles(notebook, {
    ...runOptions,
    onEvent: progress.onEvent,
    onWarning: (m) => process.stderr.write(`warning: ${m}\n`),
  }).finally(progress.stop);
  if (result.ok) {
    process.stderr.write(`${result.outputsNote}\n`);
    return;
  }
  // A signal handler may already have set 130/143; keep that status.
  const signalled = Number(process.exitCode ?? 0);
  throw new CliError(`${result.reason ?? 'the run failed'}; ${result.outputsNote}`, signalled > 1 ? signalled : 1);
}

/** Registers `run` on the program. */
export function register(program: Command): void {
  const cmd = program
    .command('run')
    .description('execute a notebook on its kernel (tslab by default) and write NAME.ipynb and NAME.html; exit 0 only when every cell ran without error')
    .argument('<notebook>', 'the .ipynb file to run');
  addRunnerOptions(cmd).action(action(runNotebookFromCli));
}
