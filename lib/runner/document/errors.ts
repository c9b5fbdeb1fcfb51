/**
 * The runner's error tree (after nbclient): a cell that raised, a cell that ran out of time, a
 * kernel that died, and a kernel that never started are told apart, and each carries the cell.
 */
import { Output } from './nbformat';

/** Where a cell error happened: its index, the name people see, source and outputs. */
export interface CellContext {
  /** 0-based index in notebook.cells (the executed notebook, injected parameters cell included). */
  cellIndex: number;
  /**
   * How messages name the cell, e.g. "cell 3" (numbered among the input notebook's own cells) or
   * "the injected parameters cell"; default "cell <cellIndex + 1>".
   */
  label?: string;
  source: string;
  outputs: Output[];
}

/** How messages name a cell. */
function cellName(cell: CellContext): string {
  return cell.label ?? `cell ${cell.cellIndex + 1}`;
}

/** Base class: every runner error has a one-line `reason` for exit messages. */
export class NotebookRunError extends Error {
  constructor(message: string, readonly reason: string = message.split('\n')[0]) {
    super(message);
    this.name = 'NotebookRunError';
  }
}

/** A cell ran and failed (kernel reported an error). */
export class CellExecutionError extends NotebookRunError {
  constructor(readonly cell: CellContext, readonly ename: string, readonly evalue: string, firstLine: string) {
    super(`${cellName(cell)}: ${firstLine}`);
    this.name = 'CellExecutionError';
  }
}

/** A cell (or the whole run) exceeded its time limit. */
export class CellTimeoutError extends NotebookRunError {
  constructor(readonly cell: CellContext, readonly seconds: number, readonly scope: 'cell' | 'run') {
    super(`${cellName(cell)}: ${scope === 'run' ? 'run' : 'cell'} timed out after ${seconds} s`);
    this.name = 'CellTimeoutError';
  }
}

/** The kernel process ended while a cell was running (or was killed after a timeout). */
export class DeadKernelError extends NotebookRunError {
  constructor(readonly cell: CellContext | undefined, readonly detail: string) {
    super(cell ? `${cellName(cell)}: kernel died (${detail})` : `kernel died (${detail})`);
    this.name = 'DeadKernelError';
  }
}

/** The kernel could not be started or did not answer kernel_info in time. */
export class KernelStartupError extends NotebookRunError {
  constructor(message: string, readonly log = '') {
    super(message);
    this.name = 'KernelStartupError';
  }
}

/**
 * Something the run needs is missing or wrong (output folder, cwd, kernel name, parameters), found
 * before the kernel starts. `option` names what to fix, e.g. "--cwd" or "-p epoch".
 */
export class PreflightError extends NotebookRunError {
  constructor(readonly option: string, problem: string) {
    super(`${option}: ${problem}`);
    this.name = 'PreflightError';
  }
}
