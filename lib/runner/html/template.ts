/** The page skeleton: head with inlined styles, title, contents, cells, footer, scripts. */
import { escapeHtml, scriptForInline } from '../../common/html';

/** The pieces a page is assembled from (all HTML except `title` and the CSS/JS sources). */
export interface PageParts {
  title: string;
  /** A visible title heading, for notebooks without an H1 of their own. */
  showTitle: boolean;
  /** A notice shown first (a failed run). */
  banner: string;
  styles: string[];
  toc: string;
  /** Cells shown before the table of contents (the title cell). */
  lead: string;
  cells: string;
  footer: string;
  /** Script sources to inline at the end of the body, in order. */
  scripts: string[];
  bodyClass: string;
}

/**
 * Draws every plotly figure on the page from the JSON next to its div. A chart that fails to
 * draw says so in place and the others still draw.
 */
export const PLOTLY_BOOTSTRAP = `
(function () {
  var nodes = document.querySelectorAll('script.plotly-figure-data');
  for (var i = 0; i < nodes.length; i++) {
    var node = nodes[i];
    var target = document.getElementById(node.getAttribute('data-target'));
    try {
      var figure = JSON.parse(node.textContent);
      Plotly.newPlot(target, figure.data, figure.layout, figure.config);
    } catch (err) {
      target.textContent = 'This chart could not be drawn: ' + (err && err.message ? err.message : err);
      target.className += ' plotly-failed';
      console.error(err);
    }
  }
})();
`;

/** Assembles the complete HTML document. */
export function renderPage(parts: PageParts): string {
  const styles = parts.styles.filter((css) => css.trim()).map((css) => `<style>${css}</style>`).join('\n');
  const scripts = parts.scripts.map((js) => `<script>${scriptForInline(js)}</script>`).join('\n');
  const title = escapeHtml(parts.title);
  const pageClass = parts.toc ? 'page with-toc' : 'page';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="digit-lab">
<title>${title}</title>
${styles}
</head>
<body class="${escapeHtml(parts.bodyClass)}">
<div class="${pageClass}">
${parts.banner}
${parts.showTitle ? `<header><h1 class="nb-title">${title}</h1></header>` : ''}
${parts.lead ? `<div class="notebook lead">\n${parts.lead}\n</div>` : ''}
${parts.toc}
<main class="notebook">
${parts.cells}
</main>
${parts.footer}
</div>
${scripts}
</body>
</html>
`;
}
