/**
 * Executing a notebook: cells in order on one kernel, with per-cell and whole-run timeouts,
 * stop-on-error or allow-errors, skip-execution tags, injected parameters, nbclient-style timing
 * in cell metadata and a run summary in notebook metadata.
 */
import * as path from 'path';
import { CellContext, CellExecutionError, CellTimeoutError, DeadKernelError, KernelStartupError, NotebookRunError } from './document/errors';
import { readNotebook } from './document/io';
import { CodeCell, joinSource, Notebook, Output } from './document/nbformat';
import { CellRunResult } from './kernel/client';
import { firstErrorLine, synthesiseErrorOutput } from './kernel/kernel-errors';
import { KernelSpec, localTslabSpec } from './kernel/kernelspec';
import { launchKernel, LaunchOptions, RunningKernel } from './kernel/launch';
import { DisplayRegistry, OutputCollector } from './kernel/output-collector';
import { receivedSignal } from './kernel/process';
import { RUNNER_DEFAULTS } from './options';
import { injectParameters, ParameterValue } from './parameters';
import { checkRunInputs } from './preflight';
import { kernelVersions } from './versions';

/**
 * Metadata key: the run summary is `notebook.metadata.digit_lab.run`, a cell's status and times are
 * `cell.metadata.digit_lab` (next to nbclient's `cell.metadata.execution` timestamps).
 */
export const RUNNER_METADATA_KEY = 'digit_lab';

/**
 * Progress and output events, in order, for progress bars and --log-output. `cellIndex` is the
 * index in the executed notebook's cells (the injected parameters cell included); `label` names
 * the cell for people: "cell N" numbered among the input notebook's own cells, or "the injected
 * parameters cell".
 */
export type RunnerEvent =
  | { type: 'kernel-starting'; kernel: string }
  | { type: 'start'; total: number; kernel: string }
  | { type: 'cell-start'; cellIndex: number; label: string; ordinal: number; total: number; source: string }
  | { type: 'output'; cellIndex: number; output: Output }
  | { type: 'cell-end'; cellIndex: number; label: string; ordinal: number; total: number; status: CellStatus; seconds: number }
  | { type: 'end'; ok: boolean; reason?: string };

export type CellStatus = 'ok' | 'error' | 'timeout' | 'dead' | 'skipped' | 'not-run';

/** Options of executeNotebook (see RUNNER_OPTIONS for the user-facing ones). */
export interface ExecuteNotebookOptions {
  /** Per-cell time limit in seconds. */
  timeout?: number;
  /** Whole-run time limit in seconds. */
  runTimeout?: number;
  /** Seconds the kernel may take to start (default in RUNNER_OPTIONS). */
  startupTimeout?: number;
  /** Seconds an interrupted cell gets before the kernel is killed (default in RUNNER_OPTIONS). */
  interruptGrace?: number;
  allowErrors?: boolean;
  /** Kernel name; default: the notebook's kernelspec, else 'tslab'. */
  kernel?: string;
  /** Kernel working directory; default: the notebook's folder (or process.cwd() for objects). */
  cwd?: string;
  parameters?: Record<string, ParameterValue>;
  /** Inject parameters the notebook's parameters cell does not declare (papermill's behaviour); default: refuse them. */
  allowUnknownParameters?: boolean;
  onEvent?: (event: RunnerEvent) => void;
  /** Where to look for kernelspecs (default: Jupyter's search path). */
  kernelspecDirs?: string[];
  /** Starts the kernel (tests pass scripted kernels); default: launchKernel. */
  startKernel?: (spec: KernelSpec, options: LaunchOptions) => Promise<RunningKernel>;
}

/** The run summary stored as `metadata.digit_lab.run`. */
export interface RunSummary {
  kernel: { name: string; source: string; implementation: string | null; tslab: string | null; node: string | null };
  runner_node: string;
  start_time: string;
  end_time: string;
  duration: number;
  parameters: Record<string, ParameterValue>;
  status: 'ok' | 'failed';
  reason: string | null;
}

/** What executeNotebook returns: the executed notebook, success, and the first failure. */
export interface ExecutionResult {
  notebook: Notebook;
  ok: boolean;
  /** The first failure (absent when ok). */
  error?: NotebookRunError;
  /** Every failure, in order (more than one with allowErrors). */
  errors: NotebookRunError[];
  durationSeconds: number;
  summary: RunSummary;
  /** How many cells were sent to the kernel (0: the run stopped before any cell ran). */
  executedCells: number;
}

/** Delay before the next request after a failed cell: tslab aborts requests for 200 ms after an error. */
const AFTER_ERROR_DELAY_MS = 250;
const MAX_ABORT_RETRIES = 3;
const INJECTED_LABEL = 'the injected parameters cell';

const isTslabName = (name: string): name is 'tslab' | 'jslab' => name === 'tslab' || name === 'jslab';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const hasTag = (cell: { metadata: { tags?: string[] } }, tag: string) => Array.isArray(cell.metadata.tags) && cell.metadata.tags.includes(tag);

/** What every cell of one run shares. */
interface RunContext {
  kernel: RunningKernel;
  /** The kernelspec the kernel was started from (after any fallback). */
  spec: KernelSpec;
  options: ExecuteNotebookOptions;
  /** Epoch milliseconds by which the whole run must end (Infinity: no limit). */
  runDeadline: number;
  /** Display ids of the whole run, so a later cell can update an earlier cell's output. */
  displays: DisplayRegistry;
  emit: (event: RunnerEvent) => void;
  /** Index of the injected parameters cell in the executed notebook (-1: none). */
  injectedAt: number;
}

/** One code cell to run, with the run it belongs to. */
interface CellRun extends RunContext {
  cell: CodeCell;
  /** Index in notebook.cells. */
  index: number;
  /** How messages name the cell (see RunnerEvent). */
  label: string;
  source: string;
}

interface CellOutcome {
  status: CellStatus;
  seconds: number;
  error?: NotebookRunError;
  /** The kernel was killed (a timeout it did not answer): nothing more can run. */
  killed?: boolean;
}

/**
 * Executes a notebook (object or path) on a kernel and returns the executed copy. Never throws for
 * cell failures (they are in the result); throws PreflightError when something the run needs is
 * wrong (see preflight.ts) and KernelStartupError when no kernel could start, before any cell ran.
 */
export async function executeNotebook(input: Notebook | string, options: ExecuteNotebookOptions = {}): Promise<ExecutionResult> {
  if (typeof input !== 'string') return executeLoadedNotebook(input, 'the notebook', process.cwd(), options);
  return executeLoadedNotebook(await readNotebook(input), input, path.dirname(path.resolve(input)), options);
}

/**
 * executeNotebook for a notebook already read from `where` (a file name, for messages), with the
 * kernel working directory `defaultCwd` unless options.cwd is given.
 */
export async function executeLoadedNotebook(source: Notebook, where: string, defaultCwd: string, options: ExecuteNotebookOptions = {}): Promise<ExecutionResult> {
  const parameters = options.parameters ?? {};
  const checked = checkRunInputs(source, { where, defaultCwd, kernel: options.kernel, cwd: options.cwd, kernelspecDirs: options.kernelspecDirs, parameters, allowUnknownParameters: options.allowUnknownParameters });
  const nb: Notebook = injectParameters(structuredClone(source), parameters);
  const injectedAt = Object.keys(parameters).length ? nb.cells.findIndex((c) => hasTag(c, 'injected-parameters')) : -1;
  const emit = options.onEvent ?? (() => {});
  const started = new Date();
  // Kernel start-up counts against the run's time limit.
  const runDeadline = options.runTimeout ? started.getTime() + options.runTimeout * 1000 : Infinity;
  const { kernel, spec } = await startKernel(checked.spec, checked.cwd, options, emit);
  let ran: { errors: NotebookRunError[]; executed: number };
  try {
    ran = await runCells(nb, { kernel, spec, options, runDeadline, displays: new DisplayRegistry(), emit, injectedAt });
  } finally {
    await kernel.close();
  }
  const { errors, executed } = ran;
  const summary = recordRun(nb, { kernel, spec, cwd: checked.cwd, started, ended: new Date(), parameters, errors });
  emit({ type: 'end', ok: errors.length === 0, reason: errors[0]?.reason });
  return { notebook: nb, ok: errors.length === 0, error: errors[0], errors, durationSeconds: summary.duration, summary, executedCells: executed };
}

/** How messages name the cell at `index`: numbered among the input's own cells, the injected one by name. */
function cellLabel(index: number, injectedAt: number): string {
  if (index === injectedAt) return INJECTED_LABEL;
  return `cell ${injectedAt >= 0 && index > injectedAt ? index : index + 1}`;
}

/** Starts the kernel of `spec` and waits until it is ready; returns it with the spec actually used. */
async function startKernel(
  spec: KernelSpec,
  cwd: string,
  options: ExecuteNotebookOptions,
  emit: (event: RunnerEvent) => void,
): Promise<{ kernel: RunningKernel; spec: KernelSpec }> {
  const start = options.startKernel ?? launchKernel;
  const launchOptions: LaunchOptions = {
    cwd,
    startupTimeoutMs: (options.startupTimeout ?? RUNNER_DEFAULTS.startupTimeout) * 1000,
    interruptGraceMs: (options.interruptGrace ?? RUNNER_DEFAULTS.interruptGrace) * 1000,
  };
  emit({ type: 'kernel-starting', kernel: spec.name });
  try {
    return { kernel: await start(spec, launchOptions), spec };
  } catch (err) {
    // `tslab install` registers the command "tslab", which is often not on PATH (a project-local
    // install): use the project's tslab rather than fail.
    const notFound = err instanceof KernelStartupError && /ENOENT/.test(err.message);
    if (!notFound || !isTslabName(spec.name) || spec.source === 'local tslab') throw err;
    const local = localTslabSpec(spec.name);
    return { kernel: await start(local, launchOptions), spec: local };
  }
}

/** Runs the code cells in order, marking each; returns the failures that count against the run and how many cells ran. */
async function runCells(nb: Notebook, run: RunContext): Promise<{ errors: NotebookRunError[]; executed: number }> {
  const codeCells = nb.cells.flatMap((cell, index) => (cell.cell_type === 'code' ? [{ cell, index }] : []));
  const errors: NotebookRunError[] = [];
  let executed = 0;
  let stopped = false;
  run.emit({ type: 'start', total: codeCells.length, kernel: run.spec.name });
  for (const [ordinal, { cell, index }] of codeCells.entries()) {
    const source = joinSource(cell.source);
    if (hasTag(cell, 'skip-execution') || source.trim() === '') {
      markCell(cell, 'skipped');
      continue;
    }
    if (stopped) {
      markNotRun(cell);
      continue;
    }
    const position = { cellIndex: index, label: cellLabel(index, run.injectedAt), ordinal: ordinal + 1, total: codeCells.length };
    run.emit({ type: 'cell-start', ...position, source });
    executed++;
    const outcome = await runCell({ ...run, cell, index, label: position.label, source });
    run.emit({ type: 'cell-end', ...position, status: outcome.status, seconds: outcome.seconds });
    const failure = hasTag(cell, 'raises-exception') && outcome.status === 'error' ? undefined : outcome.error;
    if (failure) errors.push(failure);
    if (failure && !canContinueAfter(failure, outcome, run)) stopped = true;
    else if (outcome.status !== 'ok') await sleep(AFTER_ERROR_DELAY_MS);
  }
  return { errors, executed };
}

function markCell(cell: CodeCell, status: CellStatus): void {
  cell.metadata[RUNNER_METADATA_KEY] = { status };
}

/** Marks a cell after the run stopped; its outputs from an earlier run would read as results of this one. */
function markNotRun(cell: CodeCell): void {
  cell.outputs = [];
  cell.execution_count = null;
  markCell(cell, 'not-run');
}

/** Whether the run goes on after a failed cell: only with allowErrors, and a kernel and time left. */
function canContinueAfter(failure: NotebookRunError, outcome: CellOutcome, run: RunContext): boolean {
  const runTimedOut = failure instanceof CellTimeoutError && failure.scope === 'run';
  return !!run.options.allowErrors && !run.kernel.client.isDead && !outcome.killed && !runTimedOut;
}

/** Runs one cell and records its outputs, timing and status in the cell. */
async function runCell(ctx: CellRun): Promise<CellOutcome> {
  const begin = Date.now();
  const { collector, result } = await executeRetryingAborts(ctx);
  const end = Date.now();
  const seconds = (end - begin) / 1000;
  const { cell } = ctx;
  cell.outputs = collector.outputs;
  cell.execution_count = result.executionCount;
  cell.metadata.execution = result.timing;
  const outcome = judgeCell(ctx, result, seconds, begin);
  cell.metadata[RUNNER_METADATA_KEY] = { status: outcome.status, start_time: new Date(begin).toISOString(), end_time: new Date(end).toISOString(), duration: seconds };
  return outcome;
}

/** The cell's own time limit in milliseconds (Infinity: none). */
function cellLimitMs(options: ExecuteNotebookOptions): number {
  return options.timeout ? options.timeout * 1000 : Infinity;
}

/** Executes the cell's source, sending it again while tslab answers 'abort' (it does just after an error). */
async function executeRetryingAborts(ctx: CellRun): Promise<{ collector: OutputCollector; result: CellRunResult }> {
  for (let attempt = 0; ; attempt++) {
    if (attempt > 0) await sleep(AFTER_ERROR_DELAY_MS);
    const collector = new OutputCollector(ctx.displays, (output) => ctx.emit({ type: 'output', cellIndex: ctx.index, output }));
    const timeoutMs = Math.min(cellLimitMs(ctx.options), ctx.runDeadline - Date.now());
    const result = await ctx.kernel.client.execute(ctx.source, { timeoutMs, collector });
    if (result.status !== 'abort' || attempt === MAX_ABORT_RETRIES) return { collector, result };
  }
}

/** Turns the kernel's answer into the cell's status and error, adding the error output the cell shows. */
function judgeCell(ctx: CellRun, result: CellRunResult, seconds: number, begin: number): CellOutcome {
  const where: CellContext = { cellIndex: ctx.index, label: ctx.label, source: ctx.source, outputs: ctx.cell.outputs };
  switch (result.status) {
    case 'ok':
      return { status: 'ok', seconds };
    case 'error':
    case 'abort': {
      const err = synthesiseErrorOutput(ctx.cell.outputs, result.reply ?? {});
      const firstLine = firstErrorLine(err);
      if (ctx.index === ctx.injectedAt) where.label = `${ctx.label}${parameterOfLine(ctx.source, firstLine)}`;
      return { status: 'error', seconds, error: new CellExecutionError(where, err.ename, err.evalue, firstLine) };
    }
    case 'timeout': {
      const { scope, limit } = timeLimitHit(ctx, begin);
      const how = result.killed ? 'the kernel did not respond to the interrupt and was killed' : 'interrupted';
      synthesiseErrorOutput(ctx.cell.outputs, { ename: 'CellTimeoutError', evalue: `${scope} timed out after ${limit} s (${how})` });
      return { status: 'timeout', seconds, error: new CellTimeoutError(where, limit, scope), killed: result.killed };
    }
    case 'dead': {
      const sig = receivedSignal();
      const detail = sig ? `run stopped by ${sig}` : (result.deathDetail ?? 'unknown cause');
      ctx.cell.outputs.push({ output_type: 'error', ename: 'DeadKernelError', evalue: `the kernel died while running this cell (${detail})`, traceback: [] });
      return { status: 'dead', seconds, error: new DeadKernelError(where, detail) };
    }
  }
}

/**
 * The parameter an error in the injected cell is about, as " (-p NAME)": TypeScript errors start
 * with "LINE:COL - ", and each line of the injected cell sets one parameter. Empty when unknown.
 */
function parameterOfLine(injectedSource: string, errorLine: string): string {
  const at = /^(\d+):\d+ - /.exec(errorLine);
  const line = at ? injectedSource.split('\n')[Number(at[1]) - 1] : undefined;
  const name = line && /^(?:const\s+)?([A-Za-z_$][\w$]*)\s*=/.exec(line);
  return name ? ` (-p ${name[1]})` : '';
}

/** Which limit a cell that started at `begin` and timed out ran into: its own or the run's, in seconds. */
function timeLimitHit(ctx: CellRun, begin: number): { scope: 'cell' | 'run'; limit: number } {
  const scope = cellLimitMs(ctx.options) <= ctx.runDeadline - begin ? 'cell' : 'run';
  return { scope, limit: scope === 'cell' ? ctx.options.timeout! : ctx.options.runTimeout! };
}

/** What recordRun needs to know about a finished run. */
interface FinishedRun {
  kernel: RunningKernel;
  spec: KernelSpec;
  cwd: string;
  started: Date;
  ended: Date;
  parameters: Record<string, ParameterValue>;
  errors: NotebookRunError[];
}

/** Writes the kernel's language, its kernelspec and the run summary into the notebook's metadata. */
function recordRun(nb: Notebook, run: FinishedRun): RunSummary {
  const lang = run.kernel.info.language_info;
  if (lang && typeof lang === 'object') nb.metadata.language_info = lang;
  nb.metadata.kernelspec = { name: run.spec.name, display_name: run.spec.display_name, language: run.spec.language || lang?.name || '' };
  const summary = summariseRun(run);
  const previous = nb.metadata[RUNNER_METADATA_KEY];
  nb.metadata[RUNNER_METADATA_KEY] = { ...(previous && typeof previous === 'object' ? previous : {}), run: summary };
  // The papermill key, so tools that read papermill's parameters find ours.
  if (Object.keys(run.parameters).length) nb.metadata.papermill = { parameters: run.parameters };
  return summary;
}

function summariseRun(run: FinishedRun): RunSummary {
  const { kernel, spec, errors } = run;
  return {
    kernel: { name: spec.name, source: spec.source, implementation: kernel.info.implementation ?? null, ...kernelVersions(spec, run.cwd) },
    runner_node: process.version,
    start_time: run.started.toISOString(),
    end_time: run.ended.toISOString(),
    duration: (run.ended.getTime() - run.started.getTime()) / 1000,
    parameters: run.parameters,
    status: errors.length ? 'failed' : 'ok',
    reason: errors[0]?.reason ?? null,
  };
}
