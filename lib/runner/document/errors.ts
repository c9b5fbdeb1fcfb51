/**
 * The runner's error tree (after nbclient): a cell that raised, a cell that ran out of time, a
 * kernel that died, and a kernel that never started are told apart, and each carries the cell.
 */
import { Output } from './nbformat';

/** Where a cell error happened: 1-based cell number (as shown to people), source and outputs. */
export interface CellContext {
  /** 0-based index in notebook.cells. */
  cellIndex: number;
  source: string;
  outputs: Output[];
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
    super(`cell ${cell.cellIndex + 1}: ${firstLine}`);
    this.name = 'CellExecutionError';
  }
}

/** A cell (or the whole run) exceeded its time limit. */
export class CellTimeoutError extends NotebookRunError {
  constructor(readonly cell: CellContext, readonly seconds: number, readonly scope: 'cell' | 'run') {
    super(`cell ${cell.cellIndex + 1}: ${scope === 'run' ? 'run' : 'cell'} timed out after ${seconds} s`);
    this.name = 'CellTimeoutError';
  }
}

/** The kernel process ended while a cell was running (or was killed after a timeout). */
export class DeadKernelError extends NotebookRunError {
  constructor(readonly cell: CellContext | undefined, readonly detail: string) {
    super(cell ? `cell ${cell.cellIndex + 1}: kernel died (${detail})` : `kernel died (${detail})`);
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
