/**
 * Rendering a notebook as one self-contained page that works offline (every style, font and
 * script is inlined; nothing is loaded from the network), with math, highlighted code, ANSI
 * colours, images, interactive plotly charts, a table of contents and a run-metadata footer.
 */
import type { Notebook } from '../document/nbformat';
import { highlightCss, katexCss, classListsIn, packageVersion, plotlyScript } from './assets';
import { CellOptions, renderCell } from './cells';
import { escapeHtml } from '../../common/html';
import { notebookRunSummary, renderFooter } from './footer';
import { isHighlightable } from './highlight';
import { OutputContext } from './outputs';
import { PAGE_CSS } from './styles';
import { PLOTLY_BOOTSTRAP, renderPage } from './template';
import { HeadingSlugger, renderToc, TocHeading } from './toc';

/** Options of {@link renderNotebookHtml}. */
export interface NotebookHtmlOptions {
  /** Hide code cells' input (and prompts): a report for readers who are not programmers. */
  noInput?: boolean;
  /**
   * Page title when the notebook has no H1 of its own (the notebook's file name is a good value);
   * the first H1 wins otherwise. Default: `metadata.title`, else "Notebook".
   */
  title?: string;
  /** Show `In [n]:` / `Out [n]:` prompts and per-cell timing. Default true (ignored with noInput). */
  showPrompts?: boolean;
  /** Run metadata shown in the footer as a table (kernel, versions, parameters, timings...). */
  footer?: Record<string, unknown>;
  /**
   * The notebook's folder: images that markdown cells load by relative path (`![](img/x.png)`)
   * are read from here and inlined. Unset, such paths are left as they are.
   */
  baseDir?: string;
}

function codeLanguage(nb: Notebook): string {
  const candidates = [nb.metadata?.language_info?.name, nb.metadata?.kernelspec?.language, 'typescript'];
  return candidates.find((name): name is string => typeof name === 'string' && isHighlightable(name)) ?? 'typescript';
}

/** Index of the first cell that failed (an error output or a failed runner status), or -1. */
function firstFailedCell(nb: Notebook): number {
  return nb.cells.findIndex((cell) => {
    if (cell.cell_type !== 'code') return false;
    const record = cell.metadata?.['digit_lab'] as { status?: unknown } | undefined;
    return ['error', 'timeout', 'dead'].includes(String(record?.status)) || (cell.outputs ?? []).some((o) => o.output_type === 'error');
  });
}

/** A notice at the top of the page when the run summary says the run failed. */
function failureBanner(nb: Notebook, footer: Record<string, unknown> | undefined): string {
  const run = { ...(notebookRunSummary(nb) ?? {}), ...(footer ?? {}) };
  if (run['status'] !== 'failed') return '';
  const reason = typeof run['reason'] === 'string' && run['reason'] ? `: ${escapeHtml(run['reason'])}` : '';
  const failed = firstFailedCell(nb);
  const link = failed >= 0 ? ` <a href="#cell-${failed + 1}">Go to the failing cell.</a>` : '';
  return `<div class="run-failed" role="alert"><strong>This run did not finish cleanly</strong>${reason}.${link}</div>`;
}

function checkNotebook(nb: Notebook): void {
  if (!nb || typeof nb !== 'object' || !Array.isArray((nb as { cells?: unknown }).cells)) {
    throw new Error('HTML export: the notebook has no "cells" list (expected an nbformat 4 notebook)');
  }
  if (nb.nbformat !== undefined && nb.nbformat !== 4) {
    throw new Error(`HTML export: nbformat ${String(nb.nbformat)} is not supported (expected 4)`);
  }
}

/**
 * Renders a notebook as a complete, self-contained HTML document. Notebook content is trusted, as
 * in nbconvert (its HTML outputs go in as they are), while all plain text is escaped. plotly.js
 * is embedded once, and only when the notebook has a plotly output; KaTeX fonts only for the
 * families the page's math uses.
 */
export function renderNotebookHtml(nb: Notebook, options: NotebookHtmlOptions = {}): string {
  checkNotebook(nb);
  const headings: TocHeading[] = [];
  const ctx: OutputContext = { markdown: { slugger: new HeadingSlugger(), headings, baseDir: options.baseDir }, usesPlotly: false, plotCount: 0 };
  const cellOptions: CellOptions = {
    noInput: !!options.noInput,
    showPrompts: options.showPrompts ?? true,
    language: codeLanguage(nb),
  };
  const { lead, cells } = renderCells(nb, cellOptions, ctx);

  const firstH1 = headings.find((h) => h.level === 1)?.text;
  const metadataTitle = typeof nb.metadata?.['title'] === 'string' ? (nb.metadata['title'] as string) : undefined;
  const title = firstH1 || options.title || metadataTitle || 'Notebook';
  const katex = katexCss(classListsIn(lead + cells));

  return renderPage({
    title,
    showTitle: !firstH1,
    banner: failureBanner(nb, options.footer),
    // Ours last, so the page's layout rules win over the packages' defaults.
    styles: [highlightCss(), katex.css, PAGE_CSS],
    toc: renderToc(headings),
    lead,
    cells,
    footer: renderFooter(nb, options.footer, madeWithLine(ctx.usesPlotly)),
    scripts: ctx.usesPlotly ? [plotlyScript(), PLOTLY_BOOTSTRAP] : [],
    bodyClass: options.noInput ? 'notebook-page no-input' : 'notebook-page',
  });
}

/**
 * Renders every cell (collecting headings into `ctx`), split into the page's lead and the rest.
 * The opening markdown cells up to the one with the first H1 form the lead, shown above the table
 * of contents (in a single-column or printed page the title comes first).
 */
function renderCells(nb: Notebook, cellOptions: CellOptions, ctx: OutputContext): { lead: string; cells: string } {
  const headings = ctx.markdown.headings ?? [];
  const rendered: string[] = [];
  let leadEnd = -1;
  let leading = true;
  nb.cells.forEach((cell, index) => {
    const before = headings.length;
    const html = renderCell(cell, index, cellOptions, ctx);
    if (html) rendered.push(html);
    if (!leading) return;
    if (cell.cell_type === 'code' && html) leading = false;
    else if (headings.slice(before).some((h) => h.level === 1)) {
      leadEnd = rendered.length;
      leading = false;
    }
  });
  return {
    lead: rendered.slice(0, Math.max(leadEnd, 0)).join('\n'),
    cells: rendered.slice(Math.max(leadEnd, 0)).join('\n'),
  };
}

/** The footer's credit line: the packages whose code is inlined in the page, with their versions. */
function madeWithLine(usesPlotly: boolean): string {
  const libraries = [`markdown-it ${packageVersion('markdown-it')}`, `KaTeX ${packageVersion('katex')}`, `highlight.js ${packageVersion('highlight.js')}`];
  if (usesPlotly) libraries.push(`plotly.js ${packageVersion('plotly.js-dist-min')}`);
  return `Exported by digit-lab (${libraries.join(', ')}); self-contained, works offline.`;
}
