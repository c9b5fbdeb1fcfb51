/**
 * Third-party assets inlined into the page, read from node_modules at export time: KaTeX's CSS
 * with only the fonts the page uses (woff2, as data URLs), a highlight.js theme, and plotly.js.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

const cache = new Map<string, string>();

/** Reads a file of an installed package once; a missing package gives an error saying which. */
function readPackageFile(specifier: string, encoding: 'utf8' | 'base64' = 'utf8'): string {
  const key = `${encoding}:${specifier}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  let file: string;
  try {
    file = require.resolve(specifier);
  } catch {
    throw new Error(`HTML export needs ${specifier} (run npm install): it was not found in node_modules`);
  }
  const content = readFileSync(file, encoding);
  cache.set(key, content);
  return content;
}

/** Removes CSS comments (licence banners keep web addresses we do not want in the page). */
function stripCssComments(css: string): string {
  return css.replace(/\/\*[\s\S]*?\*\//g, '');
}

/** The distinct class lists of the HTML's elements (each `class="..."` attribute split). */
export function classListsIn(html: string): string[][] {
  const seen = new Set<string>();
  for (const match of html.matchAll(/\sclass=["']([^"']*)["']/g)) {
    const names = match[1].split(/\s+/).filter(Boolean).sort();
    if (names.length) seen.add(names.join(' '));
  }
  return [...seen].map((list) => list.split(' '));
}

interface FontFace {
  block: string;
  family: string;
  /** File name of the woff2 variant, relative to katex/dist. */
  woff2: string;
}

/**
 * Which KaTeX font families the given classes need: read from KaTeX's own rules, so a class like
 * `mathnormal` maps to KaTeX_Math without a table of our own that could drift from KaTeX.
 */
function familiesForClasses(css: string, classLists: string[][]): Set<string> {
  const families = new Set<string>();
  const withoutFaces = css.replace(/@font-face\{[^}]*\}/g, '');
  for (const rule of withoutFaces.matchAll(/([^{}]+)\{([^{}]*)\}/g)) {
    const family = /font(?:-family)?:[^;}]*?\b(KaTeX_\w+)/.exec(rule[2])?.[1];
    if (!family || families.has(family)) continue;
    for (const selector of rule[1].split(',')) {
      const compounds = selector.trim().split(/[\s>+~]+/);
      const last = compounds[compounds.length - 1] ?? '';
      const ruleClasses = [...last.matchAll(/\.([\w-]+)/g)].map((m) => m[1]);
      const matches = (list: string[]) => ruleClasses.every((name) => list.includes(name));
      if (ruleClasses.length > 0 && classLists.some(matches)) {
        families.add(family);
        break;
      }
    }
  }
  return families;
}

/** Size report of the last KaTeX CSS built (for tests and the curious). */
export interface KatexCssInfo {
  css: string;
  fontFamilies: string[];
  /** Bytes of woff2 font data inlined (before base64). */
  fontBytes: number;
}

/**
 * KaTeX's stylesheet for a page whose elements carry `classLists` (see classListsIn): each font
 * family that a rule applies to one of those elements keeps its
 * @font-face rules with the woff2 file inlined as a data URL (all faces of that family, so bold
 * and italic variants reached by inheritance still work); unused families are dropped. Returns
 * an empty stylesheet when the page has no math.
 */
export function katexCss(classLists: string[][]): KatexCssInfo {
  if (!classLists.some((list) => list.includes('katex'))) return { css: '', fontFamilies: [], fontBytes: 0 };
  const css = stripCssComments(readPackageFile('katex/dist/katex.min.css'));
  const families = familiesForClasses(css, classLists);
  let fontBytes = 0;
  const faces: FontFace[] = [];
  for (const match of css.matchAll(/@font-face\{[^}]*\}/g)) {
    const block = match[0];
    const family = /font-family:\s*(KaTeX_\w+)/.exec(block)?.[1] ?? '';
    const woff2 = /url\(([^)]+\.woff2)\)/.exec(block)?.[1] ?? '';
    faces.push({ block, family, woff2 });
  }
  const result = css.replace(/@font-face\{[^}]*\}/g, (block) => {
    const face = faces.find((f) => f.block === block);
    if (!face || !face.woff2 || !families.has(face.family)) return '';
    const data = readPackageFile(`katex/dist/${face.woff2}`, 'base64');
    fontBytes += Buffer.byteLength(data, 'base64');
    return block.replace(/src:[^;}]*/, `src:url(data:font/woff2;base64,${data}) format("woff2")`);
  });
  return { css: result, fontFamilies: [...families].sort(), fontBytes };
}

/**
 * The light theme's red and orange measure 4.3:1 and 3.3:1 on the code background (#f6f8fa);
 * GitHub's current tones of the same hues reach 5.0:1 and 4.7:1.
 */
const LIGHT_CODE_FIXES =
  '.hljs-doctag,.hljs-keyword,.hljs-meta .hljs-keyword,.hljs-template-tag,.hljs-template-variable,.hljs-type,.hljs-variable.language_{color:#cf222e}' +
  '.hljs-built_in,.hljs-symbol{color:#bc4c00}';

/**
 * The highlight.js themes for code: GitHub light (readable in print), and GitHub dark for readers
 * whose system asks for a dark page (`prefers-color-scheme: dark`).
 */
export function highlightCss(): string {
  const light = stripCssComments(readPackageFile('highlight.js/styles/github.min.css'));
  const dark = stripCssComments(readPackageFile('highlight.js/styles/github-dark.min.css'));
  return `${light}\n${LIGHT_CODE_FIXES}\n@media screen and (prefers-color-scheme: dark){${dark}}`;
}

/** plotly.js (the minified bundle), to be inlined once in pages that show a chart. */
export function plotlyScript(): string {
  return readPackageFile('plotly.js-dist-min');
}

/** The version of an installed package, for the page's "made with" line. */
export function packageVersion(name: string): string {
  try {
    const json = JSON.parse(readPackageFile(`${name}/package.json`)) as { version?: string };
    return json.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Where a package's files live (used by tests that check what is inlined). */
export function packageDir(name: string): string {
  return path.dirname(require.resolve(`${name}/package.json`));
}
