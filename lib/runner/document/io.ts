/** Reading notebooks with clear errors, and writing files atomically (temp file + rename). */
import { promises as fs } from 'fs';
import * as path from 'path';
import { Notebook } from './nbformat';

/** Checks the parts of nbformat 4 the runner relies on; throws naming `where` and the problem. */
export function validateNotebook(value: unknown, where: string): Notebook {
  const nb = value as Notebook;
  if (!nb || typeof nb !== 'object') throw new Error(`${where}: not a notebook (expected a JSON object)`);
  if (nb.nbformat !== 4) throw new Error(`${where}: nbformat ${String((value as { nbformat?: unknown }).nbformat)} is not supported (need 4)`);
  if (!Array.isArray(nb.cells)) throw new Error(`${where}: "cells" must be a list`);
  nb.cells.forEach((cell, i) => {
    if (!cell || !['code', 'markdown', 'raw'].includes(cell.cell_type)) throw new Error(`${where}: cell ${i + 1} has no valid cell_type`);
    if (typeof cell.source !== 'string' && !Array.isArray(cell.source)) throw new Error(`${where}: cell ${i + 1} has no source`);
    if (!cell.metadata || typeof cell.metadata !== 'object') cell.metadata = {};
    if (cell.cell_type === 'code') {
      if (!Array.isArray(cell.outputs)) cell.outputs = [];
      if (cell.execution_count === undefined) cell.execution_count = null;
    }
  });
  if (!nb.metadata || typeof nb.metadata !== 'object') nb.metadata = {};
  if (typeof nb.nbformat_minor !== 'number') nb.nbformat_minor = 4;
  return nb;
}

/** Reads and validates a `.ipynb` file. */
export async function readNotebook(file: string): Promise<Notebook> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`${file}: cannot read notebook (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message})`);
  }
  return validateNotebook(value, file);
}

/** Serialises a notebook the way Jupyter does (1-space indent, trailing newline). */
export function serializeNotebook(nb: Notebook): string {
  return JSON.stringify(nb, null, 1) + '\n';
}

/**
 * Writes `data` to `file` via a temp file in the same folder and a rename, so readers never see a
 * half-written file and an earlier good file survives until the new one is complete.
 */
export async function writeFileAtomic(file: string, data: string): Promise<void> {
  const dir = path.dirname(file);
  await fs.mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    await fs.writeFile(tmp, data);
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw new Error(`${file}: cannot write (${(err as Error).message})`);
  }
}
