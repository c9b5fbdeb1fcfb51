/** Cell outputs to HTML: choosing one MIME type per bundle, then rendering it. */
import type { ErrorOutput, MimeBundle, Output, StreamOutput } from '../document/nbformat';
import { joinSource } from '../document/nbformat';
import { ansiToHtml } from './ansi';
import { escapeHtml, jsonForScript } from '../../common/html';
import { highlightCode } from './highlight';
import { MarkdownEnv, renderLatex, renderMarkdown } from './markdown';

/** The plotly figure MIME type (data, layout, config as JSON). */
export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

/**
 * Which representation wins when a bundle holds several: nbconvert's HTML order with the plotly
 * figure first (so a chart is interactive even when a static fallback is also present) and
 * application/json before plain text.
 */
export const MIME_PRIORITY: readonly string[] = [
  PLOTLY_MIME,
  'text/html',
  'text/markdown',
  'image/svg+xml',
  'text/latex',
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/json',
  'text/plain',
];

/** The MIME type to render from a bundle, or null when none of its types can be shown. */
export function pickMimeType(bundle: MimeBundle): string | null {
  return MIME_PRIORITY.find((mime) => bundle[mime] !== undefined && bundle[mime] !== null) ?? null;
}

/** Per-page state the output renderers share. */
export interface OutputContext {
  markdown: MarkdownEnv;
  /** Set when a plotly figure was rendered, so the page embeds plotly.js (once). */
  usesPlotly: boolean;
  /** Counter for element ids of charts. */
  plotCount: number;
}

function textOf(value: unknown): string {
  if (typeof value === 'string' || Array.isArray(value)) return joinSource(value as string | string[]);
  return JSON.stringify(value, null, 2);
}

/** Width/height from output metadata (`metadata[mime].width` or `metadata.width`), as attributes. */
function sizeAttributes(metadata: Record<string, unknown> | undefined, mime: string): string {
  const own = (metadata?.[mime] ?? {}) as Record<string, unknown>;
  let attrs = '';
  for (const key of ['width', 'height']) {
    const value = own[key] ?? metadata?.[key];
    if (typeof value === 'number' || (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value))) {
      attrs += ` ${key}="${escapeHtml(String(value))}"`;
    }
  }
  return attrs;
}

/** A plotly figure as an object, or null when the data is not one (bad JSON, not an object). */
function plotlyFigure(figure: unknown): Record<string, unknown> | null {
  let value = figure;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return null;
    }
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function renderPlotly(fig: Record<string, unknown>, ctx: OutputContext): string {
  ctx.usesPlotly = true;
  ctx.plotCount += 1;
  const id = `plotly-figure-${ctx.plotCount}`;
  const payload = {
    data: fig.data ?? [],
    layout: fig.layout ?? {},
    // The plotly logo links to the web; everything else is the figure author's choice.
    config: { displaylogo: false, responsive: true, ...((fig.config as object) ?? {}) },
  };
  return (
    `<div class="plotly-figure" id="${id}"></div>` +
    `<script type="application/json" class="plotly-figure-data" data-target="${id}">${jsonForScript(payload)}</script>`
  );
}

/** Renders the chosen representation of a bundle. */
export function renderMimeBundle(
  bundle: MimeBundle,
  metadata: Record<string, unknown> | undefined,
  ctx: OutputContext,
): string {
  const mime = pickMimeType(bundle);
  if (mime === PLOTLY_MIME && !plotlyFigure(bundle[mime])) {
    // A malformed figure falls back to the bundle's other representations.
    const { [PLOTLY_MIME]: _bad, ...rest } = bundle;
    return renderMimeBundle(rest, metadata, ctx);
  }
  if (!mime) {
    const types = Object.keys(bundle).join(', ') || 'nothing';
    return `<div class="output-unsupported">(output of type ${escapeHtml(types)} cannot be shown here)</div>`;
  }
  const data = bundle[mime];
  const wrap = (kind: string, html: string) => `<div class="output-${kind}" data-mime-type="${escapeHtml(mime)}">${html}</div>`;
  switch (mime) {
    case PLOTLY_MIME:
      return wrap('plotly', renderPlotly(plotlyFigure(data)!, ctx));
    case 'text/html':
      return wrap('html', textOf(data));
    case 'text/markdown':
      // Headings inside outputs get ids but stay out of the table of contents.
      return wrap('markdown', renderMarkdown(textOf(data), { ...ctx.markdown, headings: undefined, attachments: undefined }));
    case 'image/svg+xml':
      return wrap('svg', textOf(data));
    case 'text/latex':
      return wrap('latex', renderLatex(textOf(data)));
    case 'image/png':
    case 'image/jpeg':
    case 'image/gif':
    case 'image/webp': {
      const base64 = textOf(data).replace(/\s+/g, '');
      return wrap('image', `<img src="data:${mime};base64,${base64}"${sizeAttributes(metadata, mime)} alt="output image">`);
    }
    case 'application/json': {
      const json = typeof data === 'string' ? data : JSON.stringify(data, null, 2);
      return wrap('json', `<pre><code class="hljs language-json">${highlightCode(json, 'json')}</code></pre>`);
    }
    default:
      return wrap('text', `<pre>${ansiToHtml(textOf(data))}</pre>`);
  }
}

function renderStream(output: StreamOutput): string {
  return `<div class="output-stream output-${output.name === 'stderr' ? 'stderr' : 'stdout'}"><pre>${ansiToHtml(joinSource(output.text))}</pre></div>`;
}

function renderError(output: ErrorOutput): string {
  const traceback = (output.traceback ?? []).join('\n');
  const body = traceback.trim() ? traceback : `${output.ename}: ${output.evalue}`;
  return (
    `<div class="output-error" data-ename="${escapeHtml(output.ename ?? '')}">` +
    `<pre>${ansiToHtml(body)}</pre></div>`
  );
}

/**
 * Joins consecutive stream outputs of the same name (stdout, stderr), as nbconvert's
 * coalesce-streams step does, so carriage-return progress lines collapse across messages.
 */
export function coalesceStreams(outputs: Output[]): Output[] {
  const merged: Output[] = [];
  for (const output of outputs) {
    const last = merged[merged.length - 1];
    if (output.output_type === 'stream' && last?.output_type === 'stream' && last.name === output.name) {
      merged[merged.length - 1] = { ...last, text: joinSource(last.text) + joinSource(output.text) };
    } else {
      merged.push(output);
    }
  }
  return merged;
}

/** Renders one output of a code cell. */
export function renderOutput(output: Output, ctx: OutputContext): string {
  switch (output.output_type) {
    case 'stream':
      return renderStream(output);
    case 'error':
      return renderError(output);
    case 'display_data':
    case 'execute_result':
      return renderMimeBundle(output.data ?? {}, output.metadata, ctx);
    default: {
      const unknown = output as { output_type?: unknown };
      return `<div class="output-unsupported">(unknown output type ${escapeHtml(String(unknown.output_type))})</div>`;
    }
  }
}
