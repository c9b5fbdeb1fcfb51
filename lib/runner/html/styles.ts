/**
 * The page's own stylesheet: a light, readable layout that prints well, and a dark one for readers
 * whose system asks for it (`prefers-color-scheme: dark`, screens only). Kept as a .ts string so
 * the compiled library carries it without a copy step. ANSI colour classes follow the names that
 * anser produces (`ansi-red-fg`, `ansi-bright-blue-bg`, ...), one palette per background.
 */
import { plotlyDarkThemeCss } from './plotly-theme';

/**
 * The page's colours, light and dark. The --jp-* names are Jupyter's: digit-lab's HTML outputs
 * style themselves with them (as they do in JupyterLab), so the outputs follow the page. Every
 * text colour has at least 4.5:1 against each background it is drawn on (tested).
 */
export const PAGE_COLOURS: Record<'light' | 'dark', Record<string, string>> = {
  light: {
    '--text': '#1f2328', '--muted': '#59636e', '--border': '#d0d7de', '--code-bg': '#f6f8fa', '--page-bg': '#ffffff',
    '--accent': '#0969da', '--error-bg': '#fff5f5', '--error-border': '#d1242f', '--stderr-bg': '#fff8f0',
    '--prompt': '#6e7781', '--stripe': '#f6f8fa', '--toc-bg': '#fcfcfd', '--input-border': '#e4e8ec',
    '--jp-content-font-color1': '#1f2328', '--jp-content-font-color2': '#59636e', '--jp-layout-color0': '#ffffff',
    '--jp-layout-color2': '#eff2f5', '--jp-border-color1': '#afb8c1', '--jp-border-color2': '#d8dee4',
    '--jp-rendermime-table-row-background': '#f6f8fa', '--jp-rendermime-table-row-hover-background': '#ddf4ff',
    '--jp-error-color1': '#b34f00',
  },
  dark: {
    '--text': '#e6edf3', '--muted': '#9198a1', '--border': '#3d444d', '--code-bg': '#151b23', '--page-bg': '#0d1117',
    '--accent': '#4493f8', '--error-bg': '#25171c', '--error-border': '#f85149', '--stderr-bg': '#221c12',
    '--prompt': '#9198a1', '--stripe': '#151b23', '--toc-bg': '#111620', '--input-border': '#2a313c',
    '--jp-content-font-color1': '#e6edf3', '--jp-content-font-color2': '#9198a1', '--jp-layout-color0': '#0d1117',
    '--jp-layout-color2': '#212830', '--jp-border-color1': '#656c76', '--jp-border-color2': '#2a313c',
    '--jp-rendermime-table-row-background': '#151b23', '--jp-rendermime-table-row-hover-background': '#1c2d41',
    '--jp-error-color1': '#f0883e',
  },
};

function declarations(colours: Record<string, string>): string {
  return Object.entries(colours).map(([name, value]) => `${name}: ${value};`).join(' ');
}

/**
 * ANSI colours on the light page. Every colour but white has 4.5:1 on the page and on the stream
 * and error backgrounds; white and bright white are light by definition, as in a terminal.
 */
export const ANSI_COLOURS: Record<string, string> = {
  black: '#3e424d',
  red: '#c2302f',
  green: '#2f7d32',
  yellow: '#9a6700',
  blue: '#1f5fbf',
  magenta: '#a0309e',
  cyan: '#0f7c8c',
  white: '#a5a9b0',
  'bright-black': '#5d616c',
  'bright-red': '#cf222e',
  'bright-green': '#1a7f37',
  'bright-yellow': '#8a6100',
  'bright-blue': '#0969da',
  'bright-magenta': '#a626a4',
  'bright-cyan': '#087a86',
  'bright-white': '#c7cad0',
};

/** The same names for the dark page (GitHub's dark terminal tones): all 4.5:1 or more. */
export const ANSI_COLOURS_DARK: Record<string, string> = {
  black: '#8b949e',
  red: '#ff7b72',
  green: '#3fb950',
  yellow: '#d29922',
  blue: '#58a6ff',
  magenta: '#bc8cff',
  cyan: '#39c5cf',
  white: '#b1bac4',
  'bright-black': '#9198a1',
  'bright-red': '#ffa198',
  'bright-green': '#56d364',
  'bright-yellow': '#e3b341',
  'bright-blue': '#79c0ff',
  'bright-magenta': '#d2a8ff',
  'bright-cyan': '#56d4dd',
  'bright-white': '#ffffff',
};

function ansiRules(colours: Record<string, string>): string {
  return Object.entries(colours)
    .map(([name, colour]) => `.ansi-${name}-fg{color:${colour}}.ansi-${name}-bg{background-color:${colour}}`)
    .join('\n');
}

/** The CSS for the page (without KaTeX and highlight.js, which come from their packages). */
export const PAGE_CSS = `
:root { color-scheme: light; ${declarations(PAGE_COLOURS.light)} }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; color: var(--text); background: var(--page-bg);
  font: 16px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
.page { max-width: 62rem; margin: 0 auto; padding: 2rem 1.5rem 3rem; }
@media (min-width: 86rem) {
  .page.with-toc { max-width: 82rem; display: grid; grid-template-columns: 16rem minmax(0, 1fr); column-gap: 3rem; }
  .page.with-toc .toc { position: sticky; top: 1rem; align-self: start; max-height: calc(100vh - 2rem); overflow-y: auto; grid-row: 1 / span 4; }
  .page.with-toc > :not(.toc) { grid-column: 2; }
}
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
h1, h2, h3, h4, h5, h6 { line-height: 1.25; margin: 1.6em 0 0.6em; }
h1 { font-size: 2rem; border-bottom: 1px solid var(--border); padding-bottom: 0.3em; }
h2 { font-size: 1.5rem; border-bottom: 1px solid var(--border); padding-bottom: 0.25em; }
h3 { font-size: 1.25rem; }
.anchor-link { margin-left: 0.4em; color: var(--border); font-weight: normal; visibility: hidden; }
h1:hover .anchor-link, h2:hover .anchor-link, h3:hover .anchor-link, h4:hover .anchor-link,
h5:hover .anchor-link, h6:hover .anchor-link { visibility: visible; }
img, svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.92em; }
th, td { border: 1px solid var(--border); padding: 0.3em 0.7em; text-align: left; vertical-align: top; }
thead th, tbody th { background: var(--code-bg); }
tbody tr:nth-child(even) td { background: var(--stripe); }
blockquote { margin: 1em 0; padding: 0 1em; color: var(--muted); border-left: 0.25em solid var(--border); }
code, pre, kbd { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 0.88em; }
:not(pre) > code { background: var(--code-bg); padding: 0.15em 0.35em; border-radius: 4px; }
pre { margin: 0; padding: 0.7em 0.9em; overflow-x: auto; background: var(--code-bg); border-radius: 6px; line-height: 1.45; }
pre code.hljs, pre code { padding: 0; background: transparent; display: block; }
.hljs { background: transparent; }

.nb-title { margin-top: 0; }
.toc { border: 1px solid var(--border); border-radius: 6px; padding: 0.8rem 1rem; margin: 0 0 2rem; background: var(--toc-bg); font-size: 0.93em; }
.toc-title { font-size: 1rem; margin: 0 0 0.4rem; border: 0; padding: 0; color: var(--muted); text-transform: uppercase; letter-spacing: 0.05em; }
.toc ul { list-style: none; margin: 0; padding-left: 1rem; }
.toc > ul { padding-left: 0; }
.toc li { margin: 0.15rem 0; }
.toc-gap { list-style: none; }

.cell { margin: 0.9rem 0; }
.cell.markdown-cell > :first-child { margin-top: 0.4em; }
.io { display: flex; align-items: flex-start; gap: 0.6rem; }
.prompt { flex: 0 0 5.5rem; text-align: right; color: var(--prompt); font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 0.8em; padding-top: 0.75em; white-space: nowrap; }
.prompt .duration, .prompt .cell-status { display: block; font-size: 0.85em; }
.prompt .cell-status { color: var(--error-border); font-weight: 600; }
.prompt .status-skipped, .prompt .status-not-run { color: var(--muted); font-weight: normal; }
.run-failed { border: 1px solid var(--error-border); background: var(--error-bg); border-radius: 6px; padding: 0.6rem 1rem; margin: 0 0 1.5rem; }
.io-body { flex: 1 1 auto; min-width: 0; }
.input .io-body pre { border: 1px solid var(--input-border); }
.outputs { margin-top: 0.35rem; }
.output { margin: 0.3rem 0; }
.output-stream pre, .output-text pre { background: transparent; padding: 0.3em 0.1em; white-space: pre-wrap; word-break: break-word; }
.output-stderr pre { background: var(--stderr-bg); padding: 0.4em 0.7em; }
.output-error pre { background: var(--error-bg); border-left: 4px solid var(--error-border); padding: 0.6em 0.8em; white-space: pre-wrap; }
.output-json pre { background: var(--code-bg); }
.output-html { overflow-x: auto; }
.output-image img { display: block; }
.output-latex { overflow-x: auto; }
.output-plotly .plotly-figure { width: 100%; min-height: 360px; }
.output-unsupported { color: var(--muted); font-style: italic; }
.remote-image { font-style: italic; }
eq { display: inline-block; }
eqn { display: block; overflow-x: auto; overflow-y: hidden; }
section.eqno { display: flex; align-items: center; }
section.eqno > eqn { flex: 1 1 auto; }
.cell-error-marker { color: var(--error-border); font-weight: bold; }

.run-info { margin-top: 3rem; padding-top: 1rem; border-top: 1px solid var(--border); color: var(--muted); font-size: 0.88em; }
.run-info h2 { font-size: 1.05rem; border: 0; margin: 0 0 0.5rem; color: var(--text); }
.run-info table { margin: 0.3rem 0 0.8rem; }
.run-info td table { margin: 0; font-size: 1em; }
.run-info th { white-space: nowrap; font-weight: 600; }
.made-with { margin-top: 1rem; }

.ansi-bold { font-weight: bold; }
.ansi-dim { opacity: 0.7; }
.ansi-italic { font-style: italic; }
.ansi-underline { text-decoration: underline; }
.ansi-strikethrough { text-decoration: line-through; }
.ansi-hidden { visibility: hidden; }
${ansiRules(ANSI_COLOURS)}

@media screen and (prefers-color-scheme: dark) {
  :root { color-scheme: dark; ${declarations(PAGE_COLOURS.dark)} }
  ${ansiRules(ANSI_COLOURS_DARK)}
  ${plotlyDarkThemeCss('')}
}

@media print {
  body { font-size: 11pt; }
  .page, .page.with-toc { max-width: none; padding: 0; display: block; }
  .toc { position: static; max-height: none; }
  .anchor-link { display: none; }
  pre { white-space: pre-wrap; word-break: break-word; }
  .cell, .output, tr, img, svg { break-inside: avoid; }
  h1, h2, h3 { break-after: avoid; }
  a { color: inherit; }
}
`;
