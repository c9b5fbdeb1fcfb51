/** Re-exporting a saved (already executed) notebook file to HTML, without a kernel. */
import path from 'node:path';
import { readNotebook, writeFileAtomic } from '../document/io';
import { NotebookHtmlOptions, renderNotebookHtml } from './render';

/**
 * Reads `notebookPath`, renders it and writes the page atomically to `htmlPath` (default: the
 * notebook's path with `.html`). The title falls back to the file name and relative images are
 * read from the notebook's folder unless the options say otherwise. Resolves with the HTML path;
 * rejects with a message naming the file for unreadable or invalid notebooks.
 */
export async function exportNotebookFileToHtml(
  notebookPath: string,
  htmlPath?: string,
  options: NotebookHtmlOptions = {},
): Promise<string> {
  const nb = await readNotebook(notebookPath);
  const target = htmlPath ?? path.join(path.dirname(notebookPath), `${path.basename(notebookPath, '.ipynb')}.html`);
  if (path.resolve(target) === path.resolve(notebookPath)) {
    throw new Error(`${target}: the HTML would overwrite the notebook; choose another output path`);
  }
  const html = renderNotebookHtml(nb, {
    title: path.basename(notebookPath, '.ipynb'),
    baseDir: path.dirname(path.resolve(notebookPath)),
    ...options,
  });
  await writeFileAtomic(target, html);
  return target;
}
