/**
 * Running a notebook file to output files: NAME.ipynb and NAME.html written atomically, also when
 * the run fails after running cells (they then show where it failed), so an earlier good report is
 * only ever replaced whole. A run that runs no cell (bad option, kernel that never starts) leaves
 * earlier outputs as they were.
 */
import { escapeHtml } from '../common/html';
import * as path from 'path';
import * as fs from 'fs';
import { NotebookRunError } from './document/errors';
import { executeLoadedNotebook, ExecuteNotebookOptions, ExecutionResult } from './executor';
import { joinSource, Notebook } from './document/nbformat';
import { readNotebook, serializeNotebook, writeFileAtomic } from './document/io';
import { renderNotebookHtml } from './html';
import { checkOutputPlace } from './preflight';

/** Options of runNotebookToFiles: execution options plus where the files go and how the HTML looks. */
export interface RunNotebookOptions extends ExecuteNotebookOptions {
  /** Folder for the outputs; default: the notebook's folder. */
  outputDir?: string;
  /** Base name of the outputs; default: notebook name + '.out'. */
  output?: string;
  /** Leave code out of the HTML. */
  noInput?: boolean;
  /** Stream cell output while running (honoured by the CLI's progress reporter). */
  logOutput?: boolean;
  /** Reports problems that do not fail the run (e.g. the HTML exporter missing). */
  onWarning?: (message: string) => void;
}

/** What runNotebookToFiles wrote and how the run went. */
export interface RunFilesResult {
  ok: boolean;
  /** One-line reason when not ok, e.g. "cell 3: Error: boom". */
  reason?: string;
  ipynbPath: string;
  htmlPath: string;
  /** Whether ipynbPath and htmlPath were written (false: the run ran no cell; earlier files are untouched). */
  written: boolean;
  /** One line on what happened to the outputs, e.g. "wrote the partial results to A and B". */
  outputsNote: string;
  /** Absent when the run stopped before any cell ran (pre-flight failure, kernel never started). */
  result?: ExecutionResult;
  error?: NotebookRunError;
}


/** A plain page used only when the real exporter fails, so a run still leaves a readable record. */
export function minimalHtml(nb: Notebook, title: string, noInput = false): string {
  const parts: string[] = [];
  for (const cell of nb.cells) {
    const src = joinSource(cell.source);
    if (cell.cell_type !== 'code') {
      parts.push(`<pre class="${cell.cell_type}">${escapeHtml(src)}</pre>`);
      continue;
    }
    if (!noInput) parts.push(`<pre class="input">${escapeHtml(src)}</pre>`);
    for (const out of cell.outputs) {
      if (out.output_type === 'stream') parts.push(`<pre class="${out.name}">${escapeHtml(joinSource(out.text))}</pre>`);
      else if (out.output_type === 'error') parts.push(`<pre class="error">${escapeHtml([`${out.ename}: ${out.evalue}`, ...out.traceback].join('\n'))}</pre>`);
      else {
        const text = out.data['text/plain'];
        parts.push(`<pre class="display">${escapeHtml(text ? String(Array.isArray(text) ? text.join('') : text) : `[${Object.keys(out.data).join(', ')}]`)}</pre>`);
      }
    }
  }
  return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>\n${parts.join('\n')}\n</body></html>\n`;
}

/** `DIR/NAME.ipynb` and `DIR/NAME.html` for a notebook and options (see RUNNER_OPTIONS). */
export function outputPaths(notebookPath: string, options: { outputDir?: string; output?: string }): { ipynbPath: string; htmlPath: string } {
  const dir = path.resolve(options.outputDir ?? path.dirname(notebookPath));
  const name = (options.output ?? `${path.basename(notebookPath, '.ipynb')}.out`).replace(/\.(ipynb|html)$/i, '');
  if (!name || name.includes('/') || name.includes('\\')) throw new Error(`--output "${options.output}": give a file name without folders (use --output-dir for the folder)`);
  const ipynbPath = path.join(dir, `${name}.ipynb`);
  if (path.resolve(notebookPath) === ipynbPath) throw new Error(`${ipynbPath}: the output would overwrite the input notebook; choose another --output or --output-dir`);
  return { ipynbPath, htmlPath: path.join(dir, `${name}.html`) };
}

/** The note for a run that wrote nothing: which earlier outputs it left as they were. */
function keptNote(ipynbPath: string, htmlPath: string): string {
  const kept = [ipynbPath, htmlPath].filter((f) => fs.existsSync(f));
  return kept.length ? `the run executed no cell, so the previous outputs were kept (${kept.join(' and ')})` : 'the run executed no cell, so nothing was written';
}

/**
 * Executes `notebookPath` and writes both files (atomically, also on failure after a cell ran).
 * Everything the run needs is checked first (see preflight.ts). Resolves with the outcome, writing
 * nothing when no cell ran; rejects only for unusable input (unreadable notebook, unusable output
 * place) or write errors.
 */
export async function runNotebookToFiles(notebookPath: string, options: RunNotebookOptions = {}): Promise<RunFilesResult> {
  const { ipynbPath, htmlPath } = outputPaths(notebookPath, options);
  await checkOutputPlace(notebookPath, { ipynbPath, htmlPath }, options);
  const input = await readNotebook(notebookPath);
  let result: ExecutionResult;
  try {
    result = await executeLoadedNotebook(input, notebookPath, path.dirname(path.resolve(notebookPath)), options);
  } catch (err) {
    if (!(err instanceof NotebookRunError)) throw err;
    return { ok: false, reason: err.reason, ipynbPath, htmlPath, written: false, outputsNote: keptNote(ipynbPath, htmlPath), error: err };
  }
  if (!result.ok && result.executedCells === 0) {
    return { ok: false, reason: result.error?.reason, ipynbPath, htmlPath, written: false, outputsNote: keptNote(ipynbPath, htmlPath), result, error: result.error };
  }
  const nb = result.notebook;
  const title = path.basename(notebookPath, '.ipynb');
  // Render before writing anything: a failing exporter must not leave a new .ipynb beside an old .html.
  let html: string;
  try {
    html = renderNotebookHtml(nb, { noInput: options.noInput, title, baseDir: path.dirname(path.resolve(notebookPath)) });
  } catch (err) {
    options.onWarning?.(`HTML export failed (${(err as Error).message}); wrote a minimal page instead`);
    html = minimalHtml(nb, title, options.noInput);
  }
  await writeFileAtomic(ipynbPath, serializeNotebook(nb));
  await writeFileAtomic(htmlPath, html);
  const outputsNote = result.ok ? `wrote ${ipynbPath} and ${htmlPath}` : `wrote the partial results to ${ipynbPath} and ${htmlPath}`;
  return { ok: result.ok, reason: result.error?.reason, ipynbPath, htmlPath, written: true, outputsNote, result, error: result.error };
}
