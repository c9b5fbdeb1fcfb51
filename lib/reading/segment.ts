/**
 * Splitting a line of writing into digits. Small pieces (a detached bar of a 5) join the digit
 * they touch; then every plausible reading of the line is laid out as options (each piece alone,
 * two neighbouring pieces as one digit, a wide piece cut in two) and, once the classifier has
 * scored every candidate digit, the best-scoring sequence is chosen (dynamic programming): the
 * score is the log probability of each digit plus shape priors. Pure.
 */
import { horizontalGap, unitePieces, type InkPiece } from './components';
import { candidateCuts } from './cuts';
import type { WritingLine } from './lines';

/** Pieces shorter than this many digit heights are parts of a digit, not digits. */
const PART_HEIGHT = 0.45;
/** A part further than this many digit heights from every digit is a stray mark. */
const PART_REACH = 0.5;
/** Two pieces may be one digit when the gap between them is at most this many digit heights... */
const MERGE_MAX_GAP = 0.15;
/** ...and the two together are at most this wide. */
const MERGE_MAX_WIDTH = 1.1;
/** Log-score costs of reading one piece as two digits, and two pieces as one. */
const SPLIT_COST = 1.5;
/** Extra cost of a cut per stroke crossed beyond the first (cutting through a loop). */
const CROSSING_COST = 2;
const MERGE_COST = 1;
/** A digit wider than this (width / height) costs WIDE_COST per unit of aspect beyond. */
const WIDE_ASPECT = 0.95;
const WIDE_COST = 12;
/** A digit shorter than this many digit heights costs SHORT_COST per unit beyond. */
const SHORT_HEIGHT = 0.65;
const SHORT_COST = 10;

/** One way of reading pieces [from, to) of a line: as these digits, with this prior. */
export interface LineOption {
  from: number;
  to: number;
  digits: InkPiece[];
  prior: number;
}

/** A line ready to be scored: its pieces (parts attached) and every option. */
export interface LineLayout {
  pieces: InkPiece[];
  digitHeight: number;
  options: LineOption[];
  /** Marks too small and too far from any digit to be read. */
  dropped: number;
}

/** Attaches small parts to their digit and lists the options for the line. */
export function layOutLine(line: WritingLine, strength: Float32Array, width: number): LineLayout {
  const h = line.digitHeight;
  const digits = line.pieces.filter((p) => p.height >= PART_HEIGHT * h);
  const parts = line.pieces.filter((p) => p.height < PART_HEIGHT * h);
  const attached: InkPiece[][] = digits.map((d) => [d]);
  let dropped = 0;
  for (const part of parts) {
    let best = -1;
    let bestGap = Infinity;
    digits.forEach((d, i) => {
      const g = horizontalGap(part, d);
      if (g < bestGap) {
        bestGap = g;
        best = i;
      }
    });
    if (best < 0 || bestGap > PART_REACH * h) dropped++;
    else attached[best].push(part);
  }
  const pieces = attached.map((ps) => (ps.length === 1 ? ps[0] : unitePieces(ps, strength, width))).sort((a, b) => a.x + a.width / 2 - (b.x + b.width / 2));

  const options: LineOption[] = [];
  pieces.forEach((p, i) => {
    options.push({ from: i, to: i + 1, digits: [p], prior: 0 });
    for (const cut of candidateCuts(p, h, strength, width)) {
      options.push({ from: i, to: i + 1, digits: [cut.left, cut.right], prior: -SPLIT_COST - CROSSING_COST * Math.max(0, cut.crossings - 1) });
    }
    const next = pieces[i + 1];
    if (next && horizontalGap(p, next) <= MERGE_MAX_GAP * h) {
      const both = unitePieces([p, next], strength, width);
      if (both.width <= MERGE_MAX_WIDTH * Math.max(h, both.height)) options.push({ from: i, to: i + 2, digits: [both], prior: -MERGE_COST });
    }
  });
  return { pieces, digitHeight: h, options, dropped };
}

/** The shape prior of reading `piece` as one digit in a line of `digitHeight`. */
export function shapeScore(piece: InkPiece, digitHeight: number): number {
  const aspect = piece.width / Math.max(piece.height, 0.8 * digitHeight);
  const short = piece.height / digitHeight;
  return -WIDE_COST * Math.max(0, aspect - WIDE_ASPECT) - SHORT_COST * Math.max(0, SHORT_HEIGHT - short);
}

/**
 * The best sequence of options covering the whole line, given a score for each candidate digit
 * (`digitScore(option, k)`: log probability of its k-th digit's best class).
 */
export function bestReading(layout: LineLayout, digitScore: (option: LineOption, k: number) => number): LineOption[] {
  const n = layout.pieces.length;
  const best = new Float64Array(n + 1).fill(-Infinity);
  const via: (LineOption | null)[] = new Array(n + 1).fill(null);
  best[0] = 0;
  for (let at = 0; at < n; at++) {
    if (best[at] === -Infinity) continue;
    for (const option of layout.options) {
      if (option.from !== at) continue;
      let score = best[at] + option.prior;
      option.digits.forEach((d, k) => {
        score += digitScore(option, k) + shapeScore(d, layout.digitHeight);
      });
      if (score > best[option.to]) {
        best[option.to] = score;
        via[option.to] = option;
      }
    }
  }
  const chosen: LineOption[] = [];
  for (let at = n; at > 0; ) {
    const option = via[at] as LineOption;
    chosen.unshift(option);
    at = option.from;
  }
  return chosen;
}
