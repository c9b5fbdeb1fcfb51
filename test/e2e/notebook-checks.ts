/**
 * Reading an executed notebook file for the end-to-end specs: the nbformat 4 skeleton checked
 * here, and the full JSON schema checked by Jupyter's own validator (Debian's python3-nbformat).
 */
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import { skipIf } from '../helpers/skip';

export interface NbOutput {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
}
export interface NbCell {
  cell_type: string;
  source: string | string[];
  metadata: Record<string, unknown>;
  execution_count?: number | null;
  outputs?: NbOutput[];
}
export interface NbFile {
  nbformat: number;
  nbformat_minor: number;
  metadata: Record<string, any>;
  cells: NbCell[];
}

/** The code cells, in order. */
export const codeCells = (nb: NbFile) => nb.cells.filter((c) => c.cell_type === 'code');
/** Every output of every code cell. */
export const allOutputs = (nb: NbFile) => codeCells(nb).flatMap((c) => c.outputs ?? []);

/** Parses an .ipynb and checks the nbformat 4 skeleton, naming the file in every failure. */
export function readNotebookFile(file: string): NbFile {
  const nb = JSON.parse(fs.readFileSync(file, 'utf8')) as NbFile;
  assert.equal(nb.nbformat, 4, `${file}: nbformat`);
  assert.ok(Number.isInteger(nb.nbformat_minor), `${file}: nbformat_minor`);
  assert.ok(nb.metadata && typeof nb.metadata === 'object', `${file}: metadata`);
  assert.ok(Array.isArray(nb.cells) && nb.cells.length > 0, `${file}: cells`);
  for (const [i, cell] of nb.cells.entries()) {
    assert.ok(['code', 'markdown', 'raw'].includes(cell.cell_type), `${file}: cell ${i} type ${cell.cell_type}`);
    assert.ok(typeof cell.source === 'string' || Array.isArray(cell.source), `${file}: cell ${i} source`);
    if (cell.cell_type === 'code') assert.ok(Array.isArray(cell.outputs), `${file}: cell ${i} outputs`);
  }
  return nb;
}

const PYTHON = process.env.DIGIT_LAB_PYTHON ?? '/usr/bin/python3';
const VALIDATE_PY = [
  'import json, sys, nbformat',
  'try:',
  '    nbformat.validate(json.load(open(sys.argv[1], encoding="utf-8")), version=4)',
  'except nbformat.ValidationError as e:',
  '    print(str(e)[:2000]); sys.exit(3)',
].join('\n');

/**
 * Checks `file` against the official nbformat 4 JSON schema with Jupyter's own validator.
 * Returns null when valid, the validator's message when not, or 'unavailable: ...' without Python nbformat.
 */
export function validateWithJupyter(file: string): string | null {
  const run = spawnSync(PYTHON, ['-c', VALIDATE_PY, file], { encoding: 'utf8', timeout: 60_000 });
  if (run.error || /No module named/.test(run.stderr ?? '')) return `unavailable: ${run.error?.message ?? 'python3 module nbformat is missing (Debian package python3-nbformat)'}`;
  if (run.status === 0) return null;
  return `${run.stdout}${run.stderr}`.trim() || `validator exited with ${run.status}`;
}

/**
 * Asserts that `file` passes Jupyter's nbformat 4 validation. Without the validator the test is
 * skipped with the reason, except in CI (environment variable CI set), whose packages include it:
 * there a missing validator fails, so the check can never pass unseen.
 */
export function assertValidNotebook(ctx: Mocha.Context, file: string): void {
  const problem = validateWithJupyter(file);
  if (problem?.startsWith('unavailable:')) {
    if (process.env.CI) assert.fail(`nbformat validation cannot run in CI (${problem}); .ci/run installs jupyter-nbconvert, which brings python3-nbformat`);
    skipIf(ctx, `nbformat validation ${problem} (required when CI is set)`);
  }
  assert.equal(problem, null, `${file}: nbformat 4 schema`);
}
