/**
 * Lines of writing: ink pieces grouped by vertical overlap (robust to a drifting baseline, where
 * a horizontal projection would merge or cut lines), small pieces (a detached stroke, a dot)
 * given to the line they sit in, lines ordered top to bottom. Pure.
 */
import { median } from '../common/arrays';
import { horizontalGap, verticalOverlap, type InkPiece } from './components';

/** A line of writing: its pieces left to right and the typical digit height. */
export interface WritingLine {
  pieces: InkPiece[];
  /** Median height of the line's full-height pieces. */
  digitHeight: number;
}

/** Pieces at least this fraction of the typical height are digits (or big parts of them). */
const MAIN_HEIGHT_RATIO = 0.5;
/** Two digits are in one line when their boxes share this fraction of the shorter height. */
const LINE_OVERLAP_RATIO = 0.4;

/** Groups the pieces into lines, top to bottom; each line's pieces sorted left to right. */
export function findLines(pieces: InkPiece[]): WritingLine[] {
  if (pieces.length === 0) return [];
  const heaviest = Math.max(...pieces.map((p) => p.mass));
  // The upper quartile, not the median: a digit broken in two must not halve the typical height.
  const heights = pieces.filter((p) => p.mass >= 0.15 * heaviest).map((p) => p.height).sort((a, b) => a - b);
  const typical = heights[Math.floor(0.75 * (heights.length - 1) + 0.5)];
  const main = pieces.filter((p) => p.height >= MAIN_HEIGHT_RATIO * typical);
  const small = pieces.filter((p) => p.height < MAIN_HEIGHT_RATIO * typical);

  const parent = main.map((_, i) => i);
  const root = (i: number): number => (parent[i] === i ? i : (parent[i] = root(parent[i])));
  for (let i = 0; i < main.length; i++) {
    for (let j = i + 1; j < main.length; j++) {
      const shorter = Math.min(main[i].height, main[j].height);
      if (verticalOverlap(main[i], main[j]) >= LINE_OVERLAP_RATIO * shorter) parent[root(i)] = root(j);
    }
  }
  const groups = new Map<number, InkPiece[]>();
  main.forEach((p, i) => {
    const r = root(i);
    if (!groups.has(r)) groups.set(r, []);
    (groups.get(r) as InkPiece[]).push(p);
  });
  const lines = [...groups.values()];
  for (const p of small) {
    const best = nearestLine(lines, p);
    if (best) best.push(p);
  }
  return lines
    .map((ps) => ({ pieces: ps.sort((a, b) => a.x + a.width / 2 - (b.x + b.width / 2)), digitHeight: median(ps.filter((q) => q.height >= MAIN_HEIGHT_RATIO * typical).map((q) => q.height)) }))
    .sort((a, b) => centreY(a.pieces) - centreY(b.pieces));
}

function centreY(pieces: InkPiece[]): number {
  return median(pieces.map((p) => p.y + p.height / 2));
}

/** The line a small piece belongs to: the one with the digit nearest to it (boxes' distance). */
function nearestLine(lines: InkPiece[][], p: InkPiece): InkPiece[] | undefined {
  let best: InkPiece[] | undefined;
  let bestDistance = Infinity;
  for (const line of lines) {
    for (const q of line) {
      const dx = Math.max(0, horizontalGap(p, q));
      const dy = Math.max(0, Math.max(p.y, q.y) - Math.min(p.y + p.height, q.y + q.height));
      const d = Math.hypot(dx, dy);
      if (d < bestDistance) {
        bestDistance = d;
        best = line;
      }
    }
  }
  return best;
}
