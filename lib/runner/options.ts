/**
 * The runner's options, declared once. The command line (lib/cli/run.ts) and the README table
 * are generated from this list, so a flag, its default and its help cannot drift apart.
 */

/** One option: API name, CLI flag, type, default and help text. */
export interface RunnerOptionSpec {
  /** Property name in RunNotebookOptions. */
  name: string;
  /** Commander flag syntax, e.g. '--timeout <seconds>'. */
  flags: string;
  type: 'number' | 'string' | 'boolean' | 'pairs';
  /** Default value (undefined: none, or computed; see defaultText). */
  default?: number | string | boolean;
  /** How the default reads in help and docs when it is computed. */
  defaultText?: string;
  help: string;
}

/** Every runner option, in the order help shows them. */
export const RUNNER_OPTIONS: readonly RunnerOptionSpec[] = [
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
  { name: 'parameters', flags: '-p, --parameter <name value...>', type: 'pairs', defaultText: 'none', help: 'set a parameter (repeatable): number, true/false, null, JSON, else string' },
];

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
 * computed ones ("the notebook's folder") are spelled out here.
 */
export function optionHelp(spec: RunnerOptionSpec): string {
  return spec.default === undefined && spec.defaultText !== undefined ? `${spec.help} (default: ${spec.defaultText})` : spec.help;
}
