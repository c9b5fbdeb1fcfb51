/**
 * HTML export of notebooks: a self-contained page that works offline (styles, fonts and scripts
 * inlined), with math, highlighted code, ANSI colours, images, interactive plotly charts, a table
 * of contents and a run-metadata footer.
 */
export { renderNotebookHtml } from './render';
export type { NotebookHtmlOptions } from './render';
export { exportNotebookFileToHtml } from './export-file';
/** The export's MIME type preference, best first (distinctly named for the library's flat API). */
export { MIME_PRIORITY as HTML_EXPORT_MIME_PRIORITY } from './outputs';
