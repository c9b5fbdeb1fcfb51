/**
 * The runner's options, declared once. The command line (lib/cli/run.ts) and the README table
 * are generated from this list, so a flag, its default and its help cannot drift apart. Each
 * entry is typed against RunNotebookOptions: its name is one of the API's options, and its type
 * and default fit that option's type.
 */
import type { RunNotebookOptions } from './files';
import type { ParameterValue } from './parameters';

/** The kind of value an option takes, from its property type in RunNotebookOptions. */
type KindOf<T> = T extends number
  ? 'number'
  : T extends boolean
    ? 'boolean'
    : T extends string
      ? 'string'
      : T extends Record<string, ParameterValue>
        ? 'pairs'
        : never;

/** The declaration of the option for property K of RunNotebookOptions. */
interface OptionSpecFor<K extends keyof RunNotebookOptions> {
  /** Property name in RunNotebookOptions. */
  name: K;
  /** Commander flag syntax, e.g. '--timeout <seconds>'. */
  flags: string;
  type: KindOf<NonNullable<RunNotebookOptions[K]>>;
  /** Default value (undefined: none, or computed; see defaultText). */
  default?: NonNullable<RunNotebookOptions[K]>;
  /** How the default reads in help and docs when it is computed. */
  defaultText?: string;
  help: string;
}

/** One option: API name, CLI flag, type, default and help text (type and default match the API's). */
export type RunnerOptionSpec = { [K in keyof RunNotebookOptions]-?: OptionSpecFor<K> }[keyof RunNotebookOptions];

/** Every runner option, in the order help shows them. */
export const RUNNER_OPTIONS = [
  { name: 'outputDir', flags: '--output-dir <dir>', type: 'string', defaultText: "the notebook's folder", help: 'folder for NAME.ipynb and NAME.html' },
  { name: 'output', flags: '--output <name>', type: 'string', defaultText: 'notebook name + ".out"', help: 'base name of the outputs (a trailing .ipynb/.html is dropped)' },
  { name: 'timeout', flags: '--timeout <seconds>', type: 'number', defaultText: 'none', help: 'per-cell time limit; the cell is interrupted, then the kernel killed' },
  { name: 'runTimeout', flags: '--run-timeout <seconds>', type: 'number', defaultText: 'none', help: 'time limit for the whole run (same interrupt-then-kill)' },
  { name: 'startupTimeout', flags: '--startup-timeout <seconds>', type: 'number', default: 60, help: 'how long the kernel may take to start and answer kernel_info' },
  { name: 'interruptGrace', flags: '--interrupt-grace <seconds>', type: 'number', default: 5, help: 'after an interrupt, how long to wait before killing the kernel' },
  { name: 'allowErrors', flags: '--allow-errors', type: 'boolean', default: false, help: 'keep running after a failing cell (the exit status is still non-zero)' },
  { name: 'noInput', flags: '--no-input', type: 'boolean', default: false, help: 'leave code cells out of the HTML (reports for readers, not programmers)' },
  { name: 'kernel', flags: '--kernel <name>', type: 'string', defaultText: 'notebook metadata, else "tslab"', help: 'kernelspec to start; "tslab" falls back to the local tslab when none is registered' },
  { name: 'cwd', flags: '--cwd <dir>', type: 'string', defaultText: "the notebook's folder", help: 'working directory of the kernel' },
  { name: 'logOutput', flags: '--log-output', type: 'boolean', default: false, help: 'stream cell outputs to stderr while running' },
  { name: 'parameters', flags: '-p, --parameter <name value...>', type: 'pairs', defaultText: 'none', help: "set a parameter declared in the notebook's parameters cell (repeatable): number, true/false, null, JSON, else string; checked against the declared type" },
  { name: 'allowUnknownParameters', flags: '--allow-unknown-parameters', type: 'boolean', default: false, help: 'inject -p names the parameters cell does not declare (papermill style) instead of refusing them' },
] as const satisfies readonly RunnerOptionSpec[];

/** One entry of RUNNER_OPTIONS, with its literal name, type and default. */
export type RunnerOption = (typeof RUNNER_OPTIONS)[number];

/** The name of an option that has a command-line flag. */
export type RunnerOptionName = RunnerOption['name'];

/** Options only the API offers: callbacks and test hooks have no command-line form. */
type ApiOnlyOption = 'onEvent' | 'onWarning' | 'kernelspecDirs' | 'startKernel';
type MustBeNever<T extends never> = T;
// Compiles only while every other option of RunNotebookOptions is declared above.
type UndeclaredRunnerOption = MustBeNever<Exclude<keyof RunNotebookOptions, RunnerOptionName | ApiOnlyOption>>;

/** The options that have a literal default, with that default. */
export type RunnerDefaults = {
  [O in RunnerOption as O extends { default: unknown } ? O['name'] : never]: NonNullable<RunNotebookOptions[O['name']]>;
};

/** The literal defaults, for code that applies them (the CLI shows them; the API falls back to them). */
export const RUNNER_DEFAULTS = Object.fromEntries(RUNNER_OPTIONS.flatMap((o) => ('default' in o ? [[o.name, o.default]] : []))) as RunnerDefaults;

/** How an option's default reads in the docs. */
function defaultOf(spec: RunnerOptionSpec): string {
  if (spec.defaultText !== undefined) return spec.defaultText;
  if (spec.default === undefined) return 'none';
  return String(spec.default);
}

/** The options as a markdown table for the README (flag, default, meaning). */
export function renderOptionsMarkdown(options: readonly RunnerOptionSpec[] = RUNNER_OPTIONS): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const rows = options.map((o) => `| \`${esc(o.flags)}\` | ${esc(defaultOf(o))} | ${esc(o.help)} |`);
  return ['| option | default | meaning |', '| --- | --- | --- |', ...rows].join('\n') + '\n';
}

/**
 * The help line for one option. Literal defaults are left to the CLI library (it prints them);
 * computed ones ("the notebook's folder") are spelled out here, unless the command gives the
 * option a default of its own (`overridden`), which the CLI library then prints instead.
 */
export function optionHelp(spec: RunnerOptionSpec, overridden = false): string {
  return !overridden && spec.default === undefined && spec.defaultText !== undefined ? `${spec.help} (default: ${spec.defaultText})` : spec.help;
}
