/**
 * Executing a notebook: cells in order on one kernel, with per-cell and whole-run timeouts,
 * stop-on-error or allow-errors, skip-execution tags, injected parameters, nbclient-style timing
 * in cell metadata and a run summary in notebook metadata.
 */
import * as path from 'path';
import { CellContext, CellExecutionError, CellTimeoutError, DeadKernelError, KernelStartupError, NotebookRunError } from './document/errors';
import { firstErrorLine, synthesiseErrorOutput } from './kernel/kernel-errors';
import { findKernelspec, KernelSpec, localTslabSpec } from './kernel/kernelspec';
import { launchKernel, LaunchOptions, RunningKernel } from './kernel/launch';
import { receivedSignal } from './kernel/process';
import { CodeCell, joinSource, Notebook, Output } from './document/nbformat';
import { readNotebook } from './document/io';
import { DisplayRegistry, OutputCollector } from './kernel/output-collector';
import { injectParameters, ParameterValue } from './parameters';
import { kernelVersions } from './versions';

/**
 * Metadata key: the run summary is `notebook.metadata.digit_lab.run`, a cell's status and times are
 * `cell.metadata.digit_lab` (next to nbclient's `cell.metadata.execution` timestamps).
 */
export const RUNNER_METADATA_KEY = 'digit_lab';

/** Progress and output events, in order, for progress bars and --log-output. */
export type RunnerEvent =
  | { type: 'kernel-starting'; kernel: string }
  | { type: 'start'; total: number; kernel: string }
  | { type: 'cell-start'; cellIndex: number; ordinal: number; total: number; source: string }
  | { type: 'output'; cellIndex: number; output: Output }
  | { type: 'cell-end'; cellIndex: number; ordinal: number; total: number; status: CellStatus; seconds: number }
  | { type: 'end'; ok: boolean; reason?: string };

export type CellStatus = 'ok' | 'error' | 'timeout' | 'dead' | 'skipped' | 'not-run';

/** Options of executeNotebook (see RUNNER_OPTIONS for the user-facing ones). */
export interface ExecuteNotebookOptions {
  /** Per-cell time limit in seconds. */
  timeout?: number;
  /** Whole-run time limit in seconds. */
  runTimeout?: number;
  startupTimeout?: number;
  interruptGrace?: number;
  allowErrors?: boolean;
  /** Kernel name; default: the notebook's kernelspec, else 'tslab'. */
  kernel?: string;
  /** Kernel working directory; default: the notebook's folder (or process.cwd() for objects). */
  cwd?: string;
  parameters?: Record<string, ParameterValue>;
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
}

/** Delay before the next request after a failed cell: tslab aborts requests for 200 ms after an error. */
const AFTER_ERROR_DELAY_MS = 250;
const MAX_ABORT_RETRIES = 3;

const isTslabName = (name: string): name is 'tslab' | 'jslab' => name === 'tslab' || name === 'jslab';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const hasTag = (cell: { metadata: { tags?: string[] } }, tag: string) => Array.isArray(cell.metadata.tags) && cell.metadata.tags.includes(tag);

/**
 * Executes a notebook (object or path) on a kernel and returns the executed copy. Never throws for
 * cell failures (they are in the result); throws KernelStartupError when no kernel could start.
 */
export async function executeNotebook(input: Notebook | string, options: ExecuteNotebookOptions = {}): Promise<ExecutionResult> {
  const source = typeof input === 'string' ? await readNotebook(input) : input;
  const nb: Notebook = injectParameters(structuredClone(source), options.parameters ?? {});
  const cwd = path.resolve(options.cwd ?? (typeof input === 'string' ? path.dirname(input) : process.cwd()));
  const kernelName = options.kernel ?? nb.metadata.kernelspec?.name ?? 'tslab';
  const emit = options.onEvent ?? (() => {});
  const started = new Date();
  const runDeadline = options.runTimeout ? started.getTime() + options.runTimeout * 1000 : Infinity;

  let spec: KernelSpec;
  try {
    spec = findKernelspec(kernelName, options.kernelspecDirs);
  } catch (err) {
    throw new KernelStartupError((err as Error).message);
  }
  const start = options.startKernel ?? launchKernel;
  const launchOptions = { cwd, startupTimeoutMs: (options.startupTimeout ?? 60) * 1000, interruptGraceMs: (options.interruptGrace ?? 5) * 1000 };
  let kernel: RunningKernel;
  emit({ type: 'kernel-starting', kernel: spec.name });
  try {
    kernel = await start(spec, launchOptions);
  } catch (err) {
    // `tslab install` registers the command "tslab", which is often not on PATH (a project-local
    // install): use the project's tslab rather than fail.
    const notFound = err instanceof KernelStartupError && /ENOENT/.test(err.message);
    if (!notFound || !isTslabName(spec.name) || spec.source === 'local tslab') throw err;
    spec = localTslabSpec(spec.name);
    kernel = await start(spec, launchOptions);
  }

  const codeCells = nb.cells.map((c, i) => ({ c, i })).filter((x): x is { c: CodeCell; i: number } => x.c.cell_type === 'code');
  const errors: NotebookRunError[] = [];
  const displays = new DisplayRegistry();
  let stopped = false;
  emit({ type: 'start', total: codeCells.length, kernel: spec.name });
  try {
    for (const [ordinal, { c: cell, i }] of codeCells.entries()) {
      const src = joinSource(cell.source);
      const mark = (status: CellStatus, extra: Record<string, unknown> = {}) => {
        cell.metadata[RUNNER_METADATA_KEY] = { status, ...extra };
      };
      if (hasTag(cell, 'skip-execution') || src.trim() === '') {
        mark('skipped');
        continue;
      }
      if (stopped) {
        // Outputs from an earlier run would read as results of this one.
        cell.outputs = [];
        cell.execution_count = null;
        mark('not-run');
        continue;
      }
      emit({ type: 'cell-start', cellIndex: i, ordinal: ordinal + 1, total: codeCells.length, source: src });
      const outcome = await runCell(kernel, cell, i, src, runDeadline, options, displays, emit);
      emit({ type: 'cell-end', cellIndex: i, ordinal: ordinal + 1, total: codeCells.length, status: outcome.status, seconds: outcome.seconds });
      if (outcome.error && !(outcome.status === 'error' && hasTag(cell, 'raises-exception'))) {
        errors.push(outcome.error);
        const canGoOn = options.allowErrors && !kernel.client.isDead && !outcome.killed && !(outcome.error instanceof CellTimeoutError && outcome.error.scope === 'run');
        if (!canGoOn) stopped = true;
        else await sleep(AFTER_ERROR_DELAY_MS);
      } else if (outcome.status !== 'ok') {
        await sleep(AFTER_ERROR_DELAY_MS);
      }
    }
  } finally {
    await kernel.close();
  }
  const ended = new Date();
  const durationSeconds = (ended.getTime() - started.getTime()) / 1000;
  const lang = kernel.info.language_info;
  if (lang && typeof lang === 'object') nb.metadata.language_info = lang;
  nb.metadata.kernelspec = { name: spec.name, display_name: spec.display_name, language: spec.language || lang?.name || '' };
  const parameters = options.parameters ?? {};
  const summary: RunSummary = {
    kernel: { name: spec.name, source: spec.source, implementation: kernel.info.implementation ?? null, ...kernelVersions(spec, cwd) },
    runner_node: process.version,
    start_time: started.toISOString(),
    end_time: ended.toISOString(),
    duration: durationSeconds,
    parameters,
    status: errors.length ? 'failed' : 'ok',
    reason: errors[0]?.reason ?? null,
  };
  const previous = nb.metadata[RUNNER_METADATA_KEY];
  nb.metadata[RUNNER_METADATA_KEY] = { ...(previous && typeof previous === 'object' ? previous : {}), run: summary };
  // The papermill key, so tools that read papermill's parameters find ours.
  if (Object.keys(parameters).length) nb.metadata.papermill = { parameters };
  emit({ type: 'end', ok: errors.length === 0, reason: errors[0]?.reason });
  return { notebook: nb, ok: errors.length === 0, error: errors[0], errors, durationSeconds, summary };
}

interface CellOutcome {
  status: CellStatus;
  seconds: number;
  error?: NotebookRunError;
  /** The kernel was killed (a timeout it did not answer): nothing more can run. */
  killed?: boolean;
}

/** Runs one cell, retrying tslab's 'abort' replies, and records outputs, timing and status. */
async function runCell(
  kernel: RunningKernel,
  cell: CodeCell,
  index: number,
  src: string,
  runDeadline: number,
  options: ExecuteNotebookOptions,
  displays: DisplayRegistry,
  emit: (e: RunnerEvent) => void,
): Promise<CellOutcome> {
  const cellLimitMs = options.timeout ? options.timeout * 1000 : Infinity;
  const begin = Date.now();
  let collector!: OutputCollector;
  let result!: Awaited<ReturnType<typeof kernel.client.execute>>;
  let timeoutMs = 0;
  for (let attempt = 0; attempt <= MAX_ABORT_RETRIES; attempt++) {
    if (attempt > 0) await sleep(AFTER_ERROR_DELAY_MS);
    collector = new OutputCollector(displays, (output) => emit({ type: 'output', cellIndex: index, output }));
    timeoutMs = Math.min(cellLimitMs, runDeadline - Date.now());
    result = await kernel.client.execute(src, { timeoutMs, collector });
    if (result.status !== 'abort') break;
  }
  const end = Date.now();
  const seconds = (end - begin) / 1000;
  cell.outputs = collector.outputs;
  cell.execution_count = result.executionCount;
  cell.metadata.execution = result.timing;
  const ctx: CellContext = { cellIndex: index, source: src, outputs: cell.outputs };
  const meta = (status: CellStatus) => {
    cell.metadata[RUNNER_METADATA_KEY] = { status, start_time: new Date(begin).toISOString(), end_time: new Date(end).toISOString(), duration: seconds };
  };
  switch (result.status) {
    case 'ok':
      meta('ok');
      return { status: 'ok', seconds };
    case 'error':
    case 'abort': {
      const err = synthesiseErrorOutput(cell.outputs, result.reply ?? {});
      meta('error');
      return { status: 'error', seconds, error: new CellExecutionError(ctx, err.ename, err.evalue, firstErrorLine(err)) };
    }
    case 'timeout': {
      const scope = cellLimitMs <= runDeadline - begin ? 'cell' : 'run';
      const limit = scope === 'cell' ? options.timeout! : options.runTimeout!;
      const how = result.killed ? 'the kernel did not respond to the interrupt and was killed' : 'interrupted';
      synthesiseErrorOutput(cell.outputs, { ename: 'CellTimeoutError', evalue: `${scope === 'run' ? 'run' : 'cell'} timed out after ${limit} s (${how})` });
      meta('timeout');
      return { status: 'timeout', seconds, error: new CellTimeoutError(ctx, limit, scope), killed: result.killed };
    }
    case 'dead': {
      const sig = receivedSignal();
      const detail = sig ? `run stopped by ${sig}` : result.deathDetail ?? 'unknown cause';
      cell.outputs.push({ output_type: 'error', ename: 'DeadKernelError', evalue: `the kernel died while running this cell (${detail})`, traceback: [] });
      meta('dead');
      return { status: 'dead', seconds, error: new DeadKernelError(ctx, detail) };
    }
  }
}
