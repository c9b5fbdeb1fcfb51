/**
 * Text contrast in a real page: every visible text element under a root, its computed colour
 * against what is really behind it, by WCAG 2's formula. Used by the HTML report's browser test
 * and the JupyterLab suite (light and dark themes).
 *
 * HTML text: the colour (alpha blended) against the backgrounds of its ancestors, composited from
 * the first opaque one (white when none is). SVG text (plotly charts, inline figures): its fill
 * against what the browser hit-tests under its centre (shapes' fills, HTML backgrounds), so a
 * label on a white plot card and one on a transparent chart are each judged right. Text over a
 * picture (an <img>, <canvas> or SVG <image>, e.g. plotly's heatmap) cannot be judged from the DOM
 * and is listed under `unknown` instead.
 */
import type { Page } from 'playwright-core';

export interface ContrastOptions {
  /** CSS selector of the element(s) whose text is checked (default 'body'). */
  root?: string;
  /** Elements (and their descendants) to leave out, as a CSS selector. */
  skip?: string;
  /** Minimum ratio (default 4.5, WCAG AA for normal text). */
  minRatio?: number;
}

export interface ContrastFinding {
  /** The text (first 60 characters). */
  text: string;
  /** A short path to the element: tag.class of it and two ancestors. */
  where: string;
  /** Text colour as drawn (after alpha blending), #rrggbb. */
  color: string;
  /** Effective background, #rrggbb. */
  background: string;
  ratio: number;
}

export interface ContrastReport {
  /** How many text elements were measured. */
  checked: number;
  /** Those below minRatio. */
  offenders: ContrastFinding[];
  /** Text whose background could not be known (over a picture), with the reason. */
  unknown: { text: string; where: string; reason: string }[];
}

/** Measures the contrast of every visible text element under `root` in the page as it is now. */
export async function findLowContrastText(page: Page, options: ContrastOptions = {}): Promise<ContrastReport> {
  // tsx (esbuild keepNames) wraps nested functions in __name(): the page needs a stand-in.
  await page.evaluate('globalThis.__name = globalThis.__name || ((f) => f)');
  return page.evaluate(scanPage, { root: options.root ?? 'body', skip: options.skip ?? '', minRatio: options.minRatio ?? 4.5 });
}

type Rgba = [number, number, number, number];

/** Runs in the page: everything it uses is defined inside it. */
function scanPage(opts: { root: string; skip: string; minRatio: number }): ContrastReport {
  const parse = (value: string): Rgba | null => {
    const m = /^rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)$/.exec(value.trim());
    if (m) {
      const alpha = m[4] === undefined ? 1 : m[4].endsWith('%') ? parseFloat(m[4]) / 100 : parseFloat(m[4]);
      return [Number(m[1]), Number(m[2]), Number(m[3]), alpha];
    }
    if (value === 'transparent') return [0, 0, 0, 0];
    return null;
  };
  const over = (top: Rgba, below: Rgba): Rgba => {
    const a = top[3];
    return [top[0] * a + below[0] * (1 - a), top[1] * a + below[1] * (1 - a), top[2] * a + below[2] * (1 - a), 1];
  };
  const luminance = (c: Rgba) => {
    const lin = (v: number) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2]);
  };
  const ratioOf = (a: Rgba, b: Rgba) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const hex = (c: Rgba) => '#' + c.slice(0, 3).map((v) => Math.round(v).toString(16).padStart(2, '0')).join('');
  const describe = (el: Element) => {
    const parts: string[] = [];
    for (let e: Element | null = el; e && parts.length < 3; e = e.parentElement) {
      const cls = typeof e.className === 'string' ? e.className : e.getAttribute('class') ?? '';
      parts.unshift(e.tagName.toLowerCase() + (cls.trim() ? '.' + cls.trim().split(/\s+/).slice(0, 2).join('.') : ''));
    }
    return parts.join(' > ');
  };
  const white: Rgba = [255, 255, 255, 1];
  const composite = (layers: Rgba[]): Rgba => layers.reduceRight((below, layer) => over(layer, below), white);
  const opacityFactor = (el: Element) => {
    let f = 1;
    for (let e: Element | null = el; e; e = e.parentElement) f *= parseFloat(getComputedStyle(e).opacity || '1');
    return f;
  };

  /** HTML: backgrounds of the element and its ancestors, innermost first, to the first opaque one. */
  const htmlBackground = (el: Element): Rgba | string => {
    const layers: Rgba[] = [];
    for (let e: Element | null = el; e; e = e.parentElement) {
      const cs = getComputedStyle(e);
      if (cs.backgroundImage && cs.backgroundImage !== 'none') return `background image on ${describe(e)}`;
      const bg = parse(cs.backgroundColor);
      if (!bg) return `unreadable background ${cs.backgroundColor}`;
      if (bg[3] > 0) layers.push(bg);
      if (bg[3] >= 1) break;
    }
    return composite(layers);
  };

  /** SVG: what the browser hit-tests under the text's centre, topmost first. */
  const svgBackground = (el: Element): Rgba | string => {
    el.scrollIntoView({ block: 'center', inline: 'center' });
    const box = el.getBoundingClientRect();
    const x = box.left + box.width / 2;
    const y = box.top + box.height / 2;
    const hits = document.elementsFromPoint(x, y);
    const layers: Rgba[] = [];
    for (const e of hits) {
      if (e === el || el.contains(e) || e instanceof SVGTextContentElement) continue;
      if (e instanceof SVGImageElement || e instanceof HTMLImageElement || e instanceof HTMLCanvasElement || e instanceof HTMLVideoElement) {
        return `text over a picture (${describe(e)})`;
      }
      const cs = getComputedStyle(e);
      let colour: Rgba | null;
      if (e instanceof SVGGeometryElement) {
        if (cs.fill === 'none' || cs.fill.startsWith('url(')) continue;
        // Hit by its stroke (a grid or axis line under the text), not its fill: not a background.
        const ctm = e.getScreenCTM();
        const local = ctm ? new DOMPoint(x, y).matrixTransform(ctm.inverse()) : null;
        if (local && !e.isPointInFill(local)) continue;
        colour = parse(cs.fill);
        if (colour) colour[3] *= parseFloat(cs.fillOpacity || '1') * opacityFactor(e);
      } else {
        if (cs.backgroundImage && cs.backgroundImage !== 'none') return `background image on ${describe(e)}`;
        colour = parse(cs.backgroundColor);
      }
      if (!colour) return `unreadable colour on ${describe(e)}`;
      if (colour[3] > 0) layers.push(colour);
      if (colour[3] >= 1) break;
    }
    return composite(layers);
  };

  // Hit-testing must see every shape, including those plotly marks pointer-events: none.
  const probe = document.createElement('style');
  probe.textContent = '* { pointer-events: auto !important; }';
  document.head.appendChild(probe);
  const report: ContrastReport = { checked: 0, offenders: [], unknown: [] };
  try {
    const elements = new Set<Element>();
    for (const root of Array.from(document.querySelectorAll(opts.root))) {
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!node.textContent || !node.textContent.trim()) continue;
        const parent = node.parentElement;
        if (!parent || ['SCRIPT', 'STYLE', 'TITLE', 'NOSCRIPT'].includes(parent.tagName)) continue;
        if (parent.closest('title, desc')) continue;
        // An SVG <tspan> is measured with its <text>.
        elements.add(parent instanceof SVGElement ? parent.closest('text') ?? parent : parent);
      }
    }
    for (const el of elements) {
      if (opts.skip && el.closest(opts.skip)) continue;
      const box = el.getBoundingClientRect();
      if (box.width < 1 || box.height < 1) continue;
      if (!el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) continue;
      const cs = getComputedStyle(el);
      const svg = el instanceof SVGElement;
      const fg = parse(svg ? cs.fill : cs.color);
      const text = (el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 60);
      if (!fg) {
        if (!(svg && (cs.fill === 'none' || cs.fill.startsWith('url(')))) report.unknown.push({ text, where: describe(el), reason: `unreadable colour ${svg ? cs.fill : cs.color}` });
        continue;
      }
      if (svg) fg[3] *= parseFloat(cs.fillOpacity || '1');
      fg[3] *= opacityFactor(el);
      const bg = svg ? svgBackground(el) : htmlBackground(el);
      if (typeof bg === 'string') {
        report.unknown.push({ text, where: describe(el), reason: bg });
        continue;
      }
      const drawn = over(fg, bg);
      const ratio = ratioOf(drawn, bg);
      report.checked += 1;
      if (ratio < opts.minRatio) report.offenders.push({ text, where: describe(el), color: hex(drawn), background: hex(bg), ratio: Math.round(ratio * 100) / 100 });
    }
  } finally {
    probe.remove();
  }
  return report;
}

/**
 * The texts under `root` below 4.5:1, one readable line each (empty when all read well). Text
 * over a picture is not judged (see the module comment); use findLowContrastText for those.
 */
export async function textContrastProblems(page: Page, root = 'body', options: Omit<ContrastOptions, 'root'> = {}): Promise<string[]> {
  const report = await findLowContrastText(page, { ...options, root });
  return report.offenders.map((f) => formatFindings([f]));
}

/** One line per offender, for assertion messages. */
export function formatFindings(findings: ContrastFinding[]): string {
  return findings.map((f) => `${f.ratio}:1 ${f.color} on ${f.background} "${f.text}" (${f.where})`).join('\n');
}
