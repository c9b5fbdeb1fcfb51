/** The notebook runner: execute notebooks on a Jupyter kernel (tslab) and write .ipynb + HTML. */
export { executeNotebook, RUNNER_METADATA_KEY } from './executor';
export type { ExecuteNotebookOptions, ExecutionResult, RunnerEvent, CellStatus, RunSummary } from './executor';
export { runNotebookToFiles, outputPaths } from './files';
export type { RunNotebookOptions, RunFilesResult } from './files';
export { RUNNER_DEFAULTS, RUNNER_OPTIONS, renderOptionsMarkdown } from './options';
export type { RunnerDefaults, RunnerOption, RunnerOptionName, RunnerOptionSpec } from './options';
export { CellExecutionError, CellTimeoutError, DeadKernelError, KernelStartupError, NotebookRunError, PreflightError } from './document/errors';
export type { CellContext } from './document/errors';
export { parseParameterValue, parseParameterPairs, injectParameters, declaredParameters } from './parameters';
export type { DeclaredParameter, ParameterValue, ValueKind } from './parameters';
export { checkOutputPlace, checkRunInputs } from './preflight';
export { readNotebook, writeFileAtomic } from './document/io';
export { findKernelspec, kernelspecSearchDirs } from './kernel/kernelspec';
export type { KernelSpec } from './kernel/kernelspec';
export { createProgressReporter } from './run-progress';
