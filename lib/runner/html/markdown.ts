/**
 * Markdown cells to HTML at export time: markdown-it (CommonMark + tables, raw HTML allowed as in
 * Jupyter), math rendered by KaTeX, fenced code highlighted, heading ids for the table of
 * contents, and `attachment:` (and, given a folder, relative) images inlined as data URLs.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import MarkdownIt from 'markdown-it';
import katex from 'katex';
import type { MimeBundle } from '../document/nbformat';
import { joinSource } from '../document/nbformat';
import { escapeHtml } from '../../common/html';
import { highlightCode } from './highlight';
import { HeadingSlugger, TocHeading } from './toc';

type Markdown = MarkdownIt.MarkdownIt;
type Token = MarkdownIt.Token;

interface TexmathOptions {
  engine: typeof katex;
  delimiters: string[];
  katexOptions: katex.KatexOptions;
}
// markdown-it-texmath ships no type declarations; this is the one entry point we use.
const texmath = require('markdown-it-texmath') as (md: Markdown, options: TexmathOptions) => void;

/** Options shared by every KaTeX call, here and for text/latex outputs. */
export const KATEX_OPTIONS: katex.KatexOptions = {
  throwOnError: false,
  // Notebook authors write unicode and \text quirks KaTeX's strict mode would warn about.
  strict: false,
  output: 'htmlAndMathml',
};

/** What one markdown render needs to know and what it reports back. */
export interface MarkdownEnv {
  /** Shared by every cell of a page so heading ids stay unique. */
  slugger: HeadingSlugger;
  /** Headings found are appended here (leave undefined for output markdown, kept out of the TOC). */
  headings?: TocHeading[];
  /** The cell's attachments, for `attachment:NAME` image sources. */
  attachments?: Record<string, MimeBundle>;
  /** Folder that relative image paths are read from (the notebook's); unset leaves them as they are. */
  baseDir?: string;
}

const IMAGE_MIME_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/svg+xml'];

/** Turns a MIME bundle holding an image into a data URL, or null when it holds none. */
export function imageBundleToDataUrl(bundle: MimeBundle | undefined): string | null {
  if (!bundle) return null;
  for (const mime of IMAGE_MIME_TYPES) {
    const data = bundle[mime];
    if (data === undefined) continue;
    const text = Array.isArray(data) ? data.join('') : String(data);
    if (mime === 'image/svg+xml') return `data:${mime};base64,${Buffer.from(text, 'utf8').toString('base64')}`;
    return `data:${mime};base64,${text.replace(/\s+/g, '')}`;
  }
  return null;
}

/** The plain text of a heading's inline content (math as its TeX source). */
function inlineText(token: Token | undefined): string {
  if (!token?.children) return token?.content ?? '';
  return token.children
    .map((child) => (child.type === 'softbreak' || child.type === 'hardbreak' ? ' ' : child.content))
    .join('');
}

/** Core rule: give every heading an id and record it for the table of contents. */
function headingIds(md: Markdown): void {
  md.core.ruler.push('digit_lab_heading_ids', (state) => {
    const env = state.env as Partial<MarkdownEnv> | undefined;
    if (!env) return;
    if (!env.slugger) return;
    const tokens = state.tokens;
    for (let i = 0; i < tokens.length; i += 1) {
      if (tokens[i].type !== 'heading_open') continue;
      const text = inlineText(tokens[i + 1]).trim();
      const id = env.slugger.slug(text);
      tokens[i].attrSet('id', id);
      const close = tokens.slice(i).find((t) => t.type === 'heading_close');
      if (close) close.meta = { ...(close.meta ?? {}), anchorId: id };
      env.headings?.push({ level: Number(tokens[i].tag.slice(1)), text, id });
    }
  });
  // Jupyter's pilcrow link after each heading, so readers can copy a link to a section.
  md.renderer.rules.heading_close = (tokens, idx) => {
    const id = tokens[idx].meta?.anchorId as string | undefined;
    const anchor = id ? `<a class="anchor-link" href="#${escapeHtml(encodeURIComponent(id))}" aria-hidden="true">¶</a>` : '';
    return `${anchor}</${tokens[idx].tag}>\n`;
  };
}

/**
 * Image rule: `attachment:` sources become data URLs; a remote image (http/https) is shown as a
 * link with its alt text instead, because the page must not load anything from the network.
 */
function offlineImages(md: Markdown): void {
  const fallback = md.renderer.rules.image!;
  md.renderer.rules.image = (tokens, idx, options, env, self) => {
    const token = tokens[idx];
    const src = String(token.attrGet('src') ?? '');
    if (/^https?:\/\//i.test(src) || src.startsWith('//')) {
      const alt = self.renderInlineAsText(token.children ?? [], options, env) || src;
      return `<a class="remote-image" href="${escapeHtml(src)}">[image: ${escapeHtml(alt)}]</a>`;
    }
    return fallback(tokens, idx, options, env, self);
  };
}

/**
 * `\[...\]` in the middle of a paragraph (texmath only takes it at the start of a block).
 * Jupyter treats it as display math wherever it stands, so we do too.
 */
function bracketDisplayMathInline(md: Markdown): void {
  md.inline.ruler.before('escape', 'math_inline_bracket_display', (state, silent) => {
    if (!state.src.startsWith('\\[', state.pos)) return false;
    const end = state.src.indexOf('\\]', state.pos + 2);
    if (end < 0 || end === state.pos + 2) return false;
    if (!silent) {
      const token = state.push('math_inline_double', 'math', 0);
      token.content = state.src.slice(state.pos + 2, end);
      token.markup = '\\[';
    }
    state.pos = end + 2;
    return true;
  });
}

let renderer: Markdown | undefined;

/** The page's markdown-it instance, created on first use. */
function markdownRenderer(): Markdown {
  if (renderer) return renderer;
  const md = new MarkdownIt({
    html: true,
    linkify: true,
    highlight: (code, language) => highlightCode(code, language || undefined),
  });
  md.use(texmath, {
    engine: katex,
    delimiters: ['dollars', 'brackets', 'beg_end'],
    katexOptions: { ...KATEX_OPTIONS },
  });
  // `$$...$$` inside a paragraph: texmath wraps it in <section>, which may not sit inside <p>.
  md.renderer.rules.math_inline_double = (tokens, idx) =>
    `<eqn>${katex.renderToString(tokens[idx].content, { ...KATEX_OPTIONS, displayMode: true })}</eqn>`;
  bracketDisplayMathInline(md);
  headingIds(md);
  offlineImages(md);
  renderer = md;
  return md;
}

const IMAGE_EXTENSIONS: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
};

function decodeName(name: string): string {
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

/** A local image file (relative to `baseDir`) as a data URL, or null when it cannot be read. */
function localImageToDataUrl(src: string, baseDir: string): string | null {
  const clean = decodeName(src.replace(/[?#].*$/, ''));
  const mime = IMAGE_EXTENSIONS[path.extname(clean).toLowerCase()];
  if (!mime) return null;
  try {
    return `data:${mime};base64,${readFileSync(path.resolve(baseDir, clean)).toString('base64')}`;
  } catch {
    return null;
  }
}

/**
 * Makes `<img>` sources self-contained: `attachment:NAME` (markdown images and raw `<img>` alike)
 * becomes a data URL from the cell's attachments, and with `baseDir` a relative path to a local
 * image file is inlined too. What cannot be resolved is marked with `data-missing-image`.
 */
function inlineImageSources(html: string, env: MarkdownEnv): string {
  return html.replace(/(<img\b[^>]*?\ssrc=)(["'])([^"']*)\2/gi, (whole, prefix: string, quote: string, src: string) => {
    let url: string | null;
    if (/^attachment:/i.test(src)) {
      const name = src.slice('attachment:'.length);
      url = imageBundleToDataUrl(env.attachments?.[decodeName(name)] ?? env.attachments?.[name]);
    } else if (env.baseDir && src && !/^([a-z][a-z0-9+.-]*:|\/\/|#)/i.test(src)) {
      url = localImageToDataUrl(src, env.baseDir);
    } else {
      return whole;
    }
    return url ? `${prefix}${quote}${url}${quote}` : `${prefix}${quote}${quote} data-missing-image="${escapeHtml(decodeName(src))}"`;
  });
}

/** Renders markdown source (a cell's or a text/markdown output's) to HTML. */
export function renderMarkdown(source: string | string[], env: MarkdownEnv): string {
  const html = markdownRenderer().render(joinSource(source), { ...env });
  return inlineImageSources(html, env);
}

/** Renders TeX (a text/latex output) in display mode; `$$`, `$`, `\[` and `\(` wrappers are removed. */
export function renderLatex(source: string): string {
  let tex = source.trim();
  const wrappers: Array<[string, string]> = [
    ['$$', '$$'],
    ['\\[', '\\]'],
    ['\\(', '\\)'],
    ['$', '$'],
  ];
  for (const [open, close] of wrappers) {
    if (tex.length >= open.length + close.length && tex.startsWith(open) && tex.endsWith(close)) {
      tex = tex.slice(open.length, tex.length - close.length);
      break;
    }
  }
  return katex.renderToString(tex, { ...KATEX_OPTIONS, displayMode: true });
}
