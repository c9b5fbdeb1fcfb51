/**
 * Checks on an exported HTML page as text: what a reader sees, and what would make a browser go
 * to the network. Scripts and styles are set aside first, because plotly.js and KaTeX mention many
 * URLs in code that never loads them.
 */

/** The page without the contents of <script> and <style> elements (plotly.js itself mentions many URLs). */
export function markupOnly(html: string): string {
  return html.replace(/(<(script|style)\b[^>]*>)[\s\S]*?(<\/\2>)/gi, '$1$3');
}

/** Visible text of the page, roughly: tags dropped, common entities decoded. */
export function pageText(html: string): string {
  return markupOnly(html)
    .replace(/<[^>]+>/g, '')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&');
}

/**
 * Everything in the page that a browser would fetch from outside it: src attributes that are not
 * data: URLs (http, protocol-relative or a relative file), <link href> to anything but a data: URL
 * or an anchor, <script src> that is not inline, and CSS @import/url() to the network.
 */
export function externalReferences(html: string): string[] {
  const markup = markupOnly(html);
  const found: string[] = [];
  const inline = (url: string) => /^(data:|#|$)/i.test(url.trim());
  // A start tag whose quoted attribute values may themselves contain '>'.
  const startTag = /<[a-z][^\s>/]*(?:\s+[^\s=>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)*\s*\/?>/gi;
  for (const m of markup.matchAll(startTag)) {
    const tag = m[0];
    for (const a of tag.matchAll(/\s(src|href)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi)) {
      const url = a[2] ?? a[3] ?? a[4] ?? '';
      const name = a[1].toLowerCase();
      if (name === 'src' && !inline(url)) found.push(`${tag.slice(0, 120)}`);
      if (name === 'href' && /^<link\b/i.test(tag) && !inline(url)) found.push(`${tag.slice(0, 120)}`);
    }
  }
  for (const m of html.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style>/gi)) {
    for (const u of m[1].matchAll(/(@import\s+["']|url\(\s*["']?)(https?:|\/\/)[^"')\s]*/gi)) found.push(`css: ${u[0]}`);
  }
  return found;
}

/** How often `needle` occurs in `haystack`. */
export function occurrences(haystack: string, needle: string): number {
  let count = 0;
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + needle.length)) count++;
  return count;
}
