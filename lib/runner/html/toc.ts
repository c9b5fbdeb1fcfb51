/** Heading anchors (Jupyter-compatible ids) and the table of contents built from them. */
import { escapeHtml } from '../../common/html';

/** One heading found in a markdown cell. */
export interface TocHeading {
  level: number;
  /** Plain text of the heading (math kept as its TeX source). */
  text: string;
  /** The element id, unique within the page. */
  id: string;
}

/**
 * Hands out heading ids the way Jupyter does (the text with spaces turned into '-'), so links an
 * author wrote in Jupyter, like `[see](#Training-the-model)`, keep working; repeats get `-1`, `-2`.
 */
export class HeadingSlugger {
  private readonly seen = new Map<string, number>();

  /** Returns a page-unique id for a heading with this text. */
  slug(text: string): string {
    const base = text.trim().replace(/\s+/g, '-') || 'section';
    const count = this.seen.get(base);
    if (count === undefined) {
      this.seen.set(base, 0);
      return base;
    }
    let candidate: string;
    let next = count;
    do {
      next += 1;
      candidate = `${base}-${next}`;
    } while (this.seen.has(candidate));
    this.seen.set(base, next);
    this.seen.set(candidate, 0);
    return candidate;
  }
}

/**
 * Renders the table of contents as nested lists. Headings deeper than `maxLevel` are left out;
 * when the notebook has a single H1 it is the page title and is left out too.
 */
export function renderToc(headings: TocHeading[], maxLevel = 3): string {
  const h1Count = headings.filter((h) => h.level === 1).length;
  const entries = headings.filter((h) => h.level <= maxLevel && !(h.level === 1 && h1Count === 1));
  if (entries.length === 0) return '';
  const top = Math.min(...entries.map((h) => h.level));
  let html = '';
  let depth = 0;
  for (const heading of entries) {
    const target = heading.level - top + 1;
    if (target > depth) {
      while (depth < target) {
        html += '<ul>';
        depth += 1;
        // A jump of more than one level (H2 straight to H4) needs an empty item to nest in.
        if (depth < target) html += '<li class="toc-gap">';
      }
    } else {
      html += '</li>';
      while (depth > target) {
        html += '</ul></li>';
        depth -= 1;
      }
    }
    html += `<li><a href="#${escapeHtml(encodeURIComponent(heading.id))}">${escapeHtml(heading.text)}</a>`;
  }
  html += '</li>';
  while (depth > 1) {
    html += '</ul></li>';
    depth -= 1;
  }
  html += '</ul>';
  return `<nav class="toc" aria-label="Contents"><h2 class="toc-title">Contents</h2>${html}</nav>`;
}
