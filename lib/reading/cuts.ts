/**
 * Candidate cuts through a piece of ink that may be two touching or overlapping digits: straight
 * and slanted lines through the low points of its column profile (where the strokes are
 * thinnest). Which cut, if any, is right is left to the classifier. Pure.
 */
import { pieceOf, type InkPiece } from './components';

/** A piece narrower than this many digit heights is not cut. */
export const CUT_MIN_WIDTH = 0.85;
/** Neither side of a cut may be narrower than this many digit heights. */
const SIDE_MIN_WIDTH = 0.18;
/** Cut lines tried through each low point: dx per dy (slant of handwriting leans right). */
const SLOPES = [0, 0.3, -0.3];
/** At most this many low points are tried. */
const MAX_CUT_POINTS = 3;

/** One way of cutting a piece in two. */
export interface Cut {
  left: InkPiece;
  right: InkPiece;
  /** Strokes the cut line crosses (runs of ink along it): one where two digits touch, often two through a loop. */
  crossings: number;
}

/** The cuts worth trying for `piece` in a line whose digits are `digitHeight` tall. */
export function candidateCuts(piece: InkPiece, digitHeight: number, strength: Float32Array, width: number): Cut[] {
  const h = Math.max(digitHeight, piece.height);
  if (piece.width < CUT_MIN_WIDTH * h) return [];
  const profile = new Float64Array(piece.width);
  for (const p of piece.pixels) profile[(p % width) - piece.x] += strength[p];
  // Smooth over 3 columns so one stray pixel does not make a minimum.
  const smooth = profile.map((_, i) => (profile[Math.max(0, i - 1)] + profile[i] + profile[Math.min(piece.width - 1, i + 1)]) / 3);
  const lo = Math.max(1, Math.round(SIDE_MIN_WIDTH * h));
  const hi = piece.width - lo;
  const points: number[] = [];
  const order = [];
  for (let c = lo; c <= hi; c++) order.push(c);
  order.sort((a, b) => smooth[a] - smooth[b]);
  const spacing = Math.max(2, Math.round(0.08 * h));
  for (const c of order) {
    if (points.length >= MAX_CUT_POINTS) break;
    if (points.every((q) => Math.abs(q - c) >= spacing)) points.push(c);
  }
  const cuts: Cut[] = [];
  const yc = piece.y + piece.height / 2;
  const ink = new Set(piece.pixels);
  for (const c of points) {
    for (const slope of SLOPES) {
      let crossings = 0;
      let inRun = false;
      for (let y = piece.y; y < piece.y + piece.height; y++) {
        const x = Math.floor(piece.x + c + slope * (y - yc));
        // The boundary pixel or its left neighbour: a stroke crossing at a slant still counts.
        const on = ink.has(y * width + x) || ink.has(y * width + x - 1);
        if (on && !inRun) crossings++;
        inRun = on;
      }
      const left: number[] = [];
      const right: number[] = [];
      for (const p of piece.pixels) {
        const x = p % width;
        const y = (p - x) / width;
        (x - piece.x < c + slope * (y - yc) ? left : right).push(p);
      }
      if (left.length === 0 || right.length === 0) continue;
      const l = pieceOf(left, strength, width);
      const r = pieceOf(right, strength, width);
      if (Math.min(l.mass, r.mass) < 0.12 * piece.mass) continue;
      cuts.push({ left: l, right: r, crossings });
    }
  }
  return cuts;
}
