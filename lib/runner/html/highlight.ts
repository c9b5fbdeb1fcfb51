/** Syntax highlighting at export time with highlight.js (no script needed in the page). */
import hljs from 'highlight.js/lib/core';
import typescript from 'highlight.js/lib/languages/typescript';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import python from 'highlight.js/lib/languages/python';
import bash from 'highlight.js/lib/languages/bash';
import xml from 'highlight.js/lib/languages/xml';
import css from 'highlight.js/lib/languages/css';
import { escapeHtml } from '../../common/html';

// Only the languages a TypeScript notebook and its markdown are likely to show, so loading stays fast.
const LANGUAGES = { typescript, javascript, json, python, bash, xml, css };
for (const [name, definition] of Object.entries(LANGUAGES)) hljs.registerLanguage(name, definition);
hljs.registerAliases(['ts', 'tsx', 'tslab'], { languageName: 'typescript' });
hljs.registerAliases(['js', 'jsx', 'node'], { languageName: 'javascript' });
hljs.registerAliases(['sh', 'shell', 'console'], { languageName: 'bash' });
hljs.registerAliases(['html', 'svg'], { languageName: 'xml' });

/** True when `language` (a name or alias, any case) can be highlighted. */
export function isHighlightable(language: string | undefined): boolean {
  return !!language && !!hljs.getLanguage(language.toLowerCase());
}

/**
 * Returns highlighted HTML (spans with `hljs-*` classes) for `code`, or the escaped code when the
 * language is unknown or missing. The result goes inside `<pre><code class="hljs">`.
 */
export function highlightCode(code: string, language: string | undefined): string {
  if (!language || !isHighlightable(language)) return escapeHtml(code);
  return hljs.highlight(code, { language: language.toLowerCase(), ignoreIllegals: true }).value;
}
