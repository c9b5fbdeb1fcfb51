/**
 * Pictures of written numbers composed from MNIST digits, for the reading benchmark and tests:
 * each digit cropped to its ink, scaled, slanted, thickened or thinned, placed with a chosen gap
 * (touching and overlapping pairs included) on a drifting baseline, then rendered dark on a
 * shaded, noisy paper as a photo would be. Deterministic for a seed.
 */
import type { ImageSet } from '../data/types';
import type { DigitImage } from '../imaging/gray';
import { seededRandom } from '../common/random';

/** How one number is written: everything in pixels at the final size. */
export interface NumberStyle {
  /** Ink height of each digit. */
  digitHeight: number;
  /** Gap between neighbouring digits' ink boxes; 'touch' places the pair so the strokes meet, 'overlap' a little further in. */
  gaps: Array<number | 'touch' | 'overlap'>;
  /** Horizontal shear, dx per dy (positive leans right). */
  slant: number;
  /** Baseline change per digit, in pixels (a line that drifts up or down). */
  drift: number;
  /** -1 thinner, 0 as drawn, 1 or 2 bolder. */
  stroke: number;
  /** Paper and ink gray levels, paper gradient across the picture, and noise (std dev). */
  paper: number;
  ink: number;
  gradient: number;
  noise: number;
}

/** A digit's ink after scaling: values 0..1, ink bright. */
interface Glyph {
  width: number;
  height: number;
  ink: Float32Array;
}

/** The 28x28 MNIST image `index` of `set`, cropped to its ink and resampled to `style`. */
export function glyphOf(set: ImageSet, index: number, style: Pick<NumberStyle, 'digitHeight' | 'slant' | 'stroke'>): Glyph {
  const src = set.images.subarray(index * 784, index * 784 + 784);
  let x0 = 28;
  let y0 = 28;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      if (src[y * 28 + x] > 40) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
    }
  }
  const f = style.digitHeight / (y1 - y0 + 1);
  const h = Math.round((y1 - y0 + 1) * f);
  const shear = Math.abs(style.slant) * h;
  const w = Math.ceil((x1 - x0 + 1) * f + shear);
  const ink = new Float32Array(w * h);
  const sample = (sx: number, sy: number): number => {
    const ix = Math.floor(sx);
    const iy = Math.floor(sy);
    const fx = sx - ix;
    const fy = sy - iy;
    const at = (x: number, y: number) => (x < 0 || y < 0 || x > 27 || y > 27 ? 0 : src[y * 28 + x] / 255);
    return at(ix, iy) * (1 - fx) * (1 - fy) + at(ix + 1, iy) * fx * (1 - fy) + at(ix, iy + 1) * (1 - fx) * fy + at(ix + 1, iy + 1) * fx * fy;
  };
  for (let v = 0; v < h; v++) {
    // The bottom stays put and the top moves by slant * height.
    const dx = style.slant >= 0 ? style.slant * (h - v) : shear + style.slant * (h - v);
    for (let u = 0; u < w; u++) {
      ink[v * w + u] = sample(x0 + (u - dx + 0.5) / f - 0.5, y0 + (v + 0.5) / f - 0.5);
    }
  }
  return { width: w, height: h, ink: strokeWidth(ink, w, h, style.stroke) };
}

/** Bolder (max filter) or thinner (min filter) strokes, one pixel per step. */
function strokeWidth(ink: Float32Array, w: number, h: number, steps: number): Float32Array {
  let out = ink;
  for (let s = 0; s < Math.abs(steps); s++) {
    const next = new Float32Array(w * h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let v = out[y * w + x];
        for (const [dx, dy] of [[1, 0], [-1, 0], [0, 1], [0, -1]]) {
          const nx = x + dx;
          const ny = y + dy;
          const n = nx < 0 || ny < 0 || nx >= w || ny >= h ? 0 : out[ny * w + nx];
          v = steps > 0 ? Math.max(v, n) : Math.min(v, n);
        }
        next[y * w + x] = v;
      }
    }
    out = next;
  }
  return out;
}

/** Leftmost / rightmost ink column per row of a glyph (-1 when the row is empty). */
function rowExtents(g: Glyph, side: 'left' | 'right'): number[] {
  const out: number[] = [];
  for (let y = 0; y < g.height; y++) {
    let found = -1;
    for (let i = 0; i < g.width; i++) {
      const x = side === 'left' ? i : g.width - 1 - i;
      if (g.ink[y * g.width + x] > 0.3) {
        found = x;
        break;
      }
    }
    out.push(found);
  }
  return out;
}

/** The x offset of `b` after `a` (a at 0, tops at dyA, dyB) at which their strokes just touch. */
function touchOffset(a: Glyph, b: Glyph, dyA: number, dyB: number): number {
  const right = rowExtents(a, 'right');
  const left = rowExtents(b, 'left');
  let offset = -Infinity;
  for (let y = 0; y < a.height; y++) {
    const yb = y + dyA - dyB;
    if (right[y] < 0 || yb < 0 || yb >= b.height || left[yb] < 0) continue;
    // Sharing a column: the strokes meet, so the pair is one piece of ink.
    offset = Math.max(offset, right[y] - left[yb]);
  }
  return offset === -Infinity ? a.width : offset;
}

/** One composed picture and what it says. */
export interface ComposedNumber {
  image: DigitImage;
  text: string;
  /** Each digit's ink box [x, y, width, height], line by line. */
  boxes: [number, number, number, number][][];
}

/** Places glyphs on one line; returns their ink and its size. */
function layOut(glyphs: Glyph[], style: NumberStyle): { ink: Float32Array; width: number; height: number; boxes: [number, number, number, number][] } {
  const margin = Math.round(0.6 * style.digitHeight);
  const xs: number[] = [];
  const ys: number[] = [];
  let x = margin;
  const drift = glyphs.map((_, i) => Math.round(i * style.drift));
  const minDrift = Math.min(...drift);
  glyphs.forEach((g, i) => {
    const y = margin + drift[i] - minDrift;
    if (i > 0) {
      const gap = style.gaps[i - 1];
      const prev = glyphs[i - 1];
      if (typeof gap === 'number') x = xs[i - 1] + prev.width + gap;
      else x = xs[i - 1] + touchOffset(prev, g, ys[i - 1], y) - (gap === 'overlap' ? Math.max(2, Math.round(0.1 * style.digitHeight)) : 0);
    }
    xs.push(x);
    ys.push(y);
  });
  const width = Math.max(...glyphs.map((g, i) => xs[i] + g.width)) + margin;
  const height = Math.max(...glyphs.map((g, i) => ys[i] + g.height)) + margin;
  const ink = new Float32Array(width * height);
  glyphs.forEach((g, i) => {
    for (let v = 0; v < g.height; v++) {
      for (let u = 0; u < g.width; u++) {
        const k = (ys[i] + v) * width + xs[i] + u;
        ink[k] = Math.max(ink[k], g.ink[v * g.width + u]);
      }
    }
  });
  const boxes = glyphs.map((g, i): [number, number, number, number] => [xs[i], ys[i], g.width, g.height]);
  return { ink, width, height, boxes };
}

/** Ink (0..1) -> a dark-on-light photo-like gray picture. */
function render(ink: Float32Array, width: number, height: number, style: NumberStyle, random: () => number): DigitImage {
  const gray = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const paper = style.paper + style.gradient * (x / width - 0.5);
      const a = Math.min(1, ink[y * width + x]);
      // Box-Muller noise
      const n = style.noise ? style.noise * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()) : 0;
      gray[y * width + x] = Math.max(0, Math.min(255, Math.round(paper - (paper - style.ink) * a + n)));
    }
  }
  return { width, height, gray };
}

/** A picture of the digits `indices` of `set` written on one line (or several, one per entry). */
export function composeNumber(set: ImageSet, lines: number[][], styles: NumberStyle[], seed: number): ComposedNumber {
  const random = seededRandom(seed);
  const laid = lines.map((indices, l) => layOut(indices.map((i) => glyphOf(set, i, styles[l])), styles[l]));
  const width = Math.max(...laid.map((l) => l.width));
  const height = laid.reduce((s, l) => s + l.height, 0);
  const ink = new Float32Array(width * height);
  let top = 0;
  const boxes: [number, number, number, number][][] = [];
  for (const l of laid) {
    boxes.push(l.boxes.map(([x, y, w, h]) => [x, y + top, w, h]));
    for (let y = 0; y < l.height; y++) ink.set(l.ink.subarray(y * l.width, (y + 1) * l.width), (top + y) * width);
    top += l.height;
  }
  return {
    image: render(ink, width, height, styles[0], random),
    text: lines.map((indices) => indices.map((i) => set.labels[i]).join('')).join('\n'),
    boxes,
  };
}
