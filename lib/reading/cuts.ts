/**
 * Candidate cuts through a piece of ink that may be two touching or overlapping digits, through
 * the low points of its column profile (where the strokes are thinnest): straight and slanted
 * lines, and seams (the path from top to bottom that crosses the least ink, free to bend around
 * a stroke that reaches over its neighbour). Which cut, if any, is right is left to the
 * classifier and the priors of `segment.ts`. Pure.
 */
import { pieceOf, type InkPiece } from './components';

/** How narrow a piece may still be cut, and where; in digit heights unless said otherwise. */
export const CUT_LIMITS = {
  /** A piece narrower than this is not cut. */
  minWidth: 0.45,
  /** Neither side of a cut may be narrower than this. */
  minSide: 0.15,
  /** Neither side's ink may be narrower than this (a thin 1 is about 0.1). */
  minInkWidth: 0.08,
  /** Neither side may hold less than this fraction of the piece's ink. */
  minMass: 0.12,
  /** At most this many low points are tried. */
  maxPoints: 12,
  /** A seam may wander this far either side of its low point. */
  seamReach: 0.5,
};

/** Cut lines tried through each low point: dx per dy (slant of handwriting leans right). */
const SLOPES = [0, 0.3, -0.3];
/** Cost of a seam's sideways step, in ink strength: seams bend only to avoid ink. */
const SEAM_STEP_COST = 0.15;

/** One way of cutting a piece in two. */
export interface Cut {
  left: InkPiece;
  right: InkPiece;
  /** Strokes the cut crosses (runs of ink along it): one where two digits touch, often two through a loop. */
  crossings: number;
}

/** The cuts worth trying for `piece` in a line whose digits are `digitHeight` tall. */
export function candidateCuts(piece: InkPiece, digitHeight: number, strength: Float32Array, width: number): Cut[] {
  const h = Math.max(digitHeight, piece.height);
  if (piece.width < CUT_LIMITS.minWidth * h) return [];
  const grid = localInk(piece, strength, width);
  const profile = new Float64Array(piece.width);
  for (let y = 0; y < piece.height; y++) for (let x = 0; x < piece.width; x++) profile[x] += grid[y * piece.width + x];
  // Smooth over 3 columns so one stray pixel does not make a minimum.
  const smooth = profile.map((_, i) => (profile[Math.max(0, i - 1)] + profile[i] + profile[Math.min(piece.width - 1, i + 1)]) / 3);
  const lo = Math.max(1, Math.round(CUT_LIMITS.minSide * h));
  const hi = piece.width - lo;
  const order: number[] = [];
  for (let c = lo; c <= hi; c++) order.push(c);
  order.sort((a, b) => smooth[a] - smooth[b]);
  const spacing = Math.max(2, Math.round(0.08 * h));
  const points: number[] = [];
  for (const c of order) {
    if (points.length >= CUT_LIMITS.maxPoints) break;
    if (points.every((q) => Math.abs(q - c) >= spacing)) points.push(c);
  }

  // Each cut as the first column of the right side, row by row (local coordinates).
  const paths: number[][] = [];
  const yc = (piece.height - 1) / 2;
  for (const c of points) {
    for (const slope of SLOPES) paths.push(Array.from({ length: piece.height }, (_, y) => Math.round(c + slope * (y - yc))));
    paths.push(seam(grid, piece.width, piece.height, c, Math.max(2, Math.round(CUT_LIMITS.seamReach * h)), lo, hi));
  }
  const cuts: Cut[] = [];
  const seen = new Set<string>();
  for (const path of paths) {
    const key = path.join(',');
    if (seen.has(key)) continue;
    seen.add(key);
    const cut = cutAlong(piece, path, grid, strength, width);
    if (cut && !cuts.some((k) => k.left.pixels.length === cut.left.pixels.length && k.left.mass === cut.left.mass)) cuts.push(cut);
  }
  return cuts;
}

/** The piece's own ink on its box (other pieces' ink excluded). */
function localInk(piece: InkPiece, strength: Float32Array, width: number): Float32Array {
  const grid = new Float32Array(piece.width * piece.height);
  for (const p of piece.pixels) {
    const x = p % width;
    const y = (p - x) / width;
    grid[(y - piece.y) * piece.width + x - piece.x] = strength[p];
  }
  return grid;
}

/**
 * The cheapest top-to-bottom path (one column per row, moving at most one column a row) within
 * `reach` of column `c` and inside [lo, hi]: the boundary through the least ink.
 */
function seam(grid: Float32Array, w: number, h: number, c: number, reach: number, lo: number, hi: number): number[] {
  const x0 = Math.max(lo, c - reach);
  const x1 = Math.min(hi, c + reach);
  const n = x1 - x0 + 1;
  const cost = new Float64Array(n * h);
  const from = new Int8Array(n * h);
  for (let i = 0; i < n; i++) cost[i] = grid[x0 + i] + SEAM_STEP_COST * Math.abs(x0 + i - c) * 0.5;
  for (let y = 1; y < h; y++) {
    for (let i = 0; i < n; i++) {
      let best = cost[(y - 1) * n + i];
      let step = 0;
      for (const d of [-1, 1]) {
        const j = i + d;
        if (j < 0 || j >= n) continue;
        const v = cost[(y - 1) * n + j] + SEAM_STEP_COST;
        if (v < best) {
          best = v;
          step = d;
        }
      }
      cost[y * n + i] = best + grid[y * w + x0 + i];
      from[y * n + i] = step;
    }
  }
  let at = 0;
  for (let i = 1; i < n; i++) if (cost[(h - 1) * n + i] < cost[(h - 1) * n + at]) at = i;
  const path = new Array<number>(h);
  for (let y = h - 1; y >= 0; y--) {
    path[y] = x0 + at;
    at += from[y * n + at];
  }
  return path;
}

/** The piece split where each row's `path` column starts the right side; null when a side is too small. */
function cutAlong(piece: InkPiece, path: number[], grid: Float32Array, strength: Float32Array, width: number): Cut | null {
  let crossings = 0;
  let inRun = false;
  for (let y = 0; y < piece.height; y++) {
    const x = path[y];
    // The boundary pixel or its left neighbour: a stroke crossing at a slant still counts.
    const at = (u: number) => u >= 0 && u < piece.width && grid[y * piece.width + u] > 0;
    const on = at(x) || at(x - 1);
    if (on && !inRun) crossings++;
    inRun = on;
  }
  const left: number[] = [];
  const right: number[] = [];
  for (const p of piece.pixels) {
    const x = p % width;
    const y = (p - x) / width;
    (x - piece.x < path[y - piece.y] ? left : right).push(p);
  }
  if (left.length === 0 || right.length === 0) return null;
  const l = pieceOf(left, strength, width);
  const r = pieceOf(right, strength, width);
  if (Math.min(l.mass, r.mass) < CUT_LIMITS.minMass * piece.mass) return null;
  // A sliver a pixel or two wide is a stroke's edge shaved off, not a digit.
  if (Math.min(l.width, r.width) < Math.max(2, Math.round(CUT_LIMITS.minInkWidth * piece.height))) return null;
  return { left: l, right: r, crossings };
}
