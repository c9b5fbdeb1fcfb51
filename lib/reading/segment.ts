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
/**
 * Two pieces one above the other, sharing this many digit heights of their width (and half the
 * narrower one's), are the halves of a broken digit: neighbouring digits, even when pushed into
 * each other, share far less.
 */
const STACKED_OVERLAP = 0.25;
/**
 * The priors of the line's readings, in log-score units (the classifier's log probabilities are
 * added to them). A classifier is confident on half a digit too (half a 0 is a fine 6), so a cut
 * must pay for itself: the narrower the piece, the more (a single digit is rarely wider than its
 * height, two digits side by side usually are).
 */
export const SEGMENT_COSTS = {
  /** Reading one piece as two digits... */
  split: 1.5,
  /** ...plus, without a judge, this per digit height the piece is narrower than `splitWidth`. */
  narrowSplit: 12,
  splitWidth: 1.1,
  /** Extra cost of a cut per stroke crossed beyond the first (cutting through a loop). */
  crossing: 0.5,
  /** Reading two pieces as one digit. */
  merge: 1,
  /** Reading two stacked pieces (`STACKED_OVERLAP`) as one digit: a gain, not a cost. */
  stackedMerge: -3,
  /** Reading one piece as the two digits the judge's pair head sees in it. */
  pair: 0.5,
  /** Without a judge, a digit wider than `wideAspect` (width / height) costs `wide` per unit of aspect beyond. */
  wideAspect: 0.95,
  wide: 12,
  /** A digit shorter than `shortHeight` digit heights costs `short` per unit beyond. */
  shortHeight: 0.65,
  short: 10,
  /** Weight of the judge's log probabilities (lib/reading/judge.ts), when there is one. */
  judge: 1,
  /** Only pieces the judge gives at least this probability of not being one digit are tried cut. */
  doubt: 0.4,
};

/** One way of reading pieces [from, to) of a line: as these digits, with this prior. */
export interface LineOption {
  from: number;
  to: number;
  /**
   * A piece as it is, a piece cut in two, two pieces as one digit, or a piece read as two digits
   * at once by the judge's pair head (its digits are the sides of the cut that agrees best).
   */
  kind: 'whole' | 'split' | 'merge' | 'pair';
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

/** Options of `layOutLine`. */
export interface LayoutOptions {
  /** Which pieces to try cutting (default: all wide enough). */
  mayCut?: (piece: InkPiece, index: number) => boolean;
  /** A judge will score the options: the width priors it makes redundant are left out. */
  judged?: boolean;
}

/**
 * Attaches small parts to their digit and lists the options for the line: each piece whole,
 * neighbours merged, and the cuts of the pieces `mayCut` lets through.
 */
export function layOutLine(line: WritingLine, strength: Float32Array, width: number, layoutOptions: LayoutOptions = {}): LineLayout {
  const mayCut = layoutOptions.mayCut ?? (() => true);
  const judged = layoutOptions.judged ?? false;
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
    options.push({ from: i, to: i + 1, kind: 'whole', digits: [p], prior: 0 });
    for (const cut of mayCut(p, i) ? candidateCuts(p, h, strength, width) : []) {
      options.push({ from: i, to: i + 1, kind: 'split', digits: [cut.left, cut.right], prior: splitPrior(p, h, cut.crossings, judged) });
    }
    const next = pieces[i + 1];
    if (next && horizontalGap(p, next) <= MERGE_MAX_GAP * h) {
      const both = unitePieces([p, next], strength, width);
      const cost = stacked(p, next, h) ? SEGMENT_COSTS.stackedMerge : SEGMENT_COSTS.merge;
      if (both.width <= MERGE_MAX_WIDTH * Math.max(h, both.height)) options.push({ from: i, to: i + 2, kind: 'merge', digits: [both], prior: -cost });
    }
  });
  return { pieces, digitHeight: h, options, dropped };
}

/** Whether two pieces share so much of their width that they can only be parts of one digit. */
function stacked(a: InkPiece, b: InkPiece, digitHeight: number): boolean {
  const shared = -horizontalGap(a, b);
  return shared >= STACKED_OVERLAP * digitHeight && shared >= 0.5 * Math.min(a.width, b.width);
}

/** The prior of reading `piece` (in a line of `digitHeight`) as two digits, cut across `crossings` strokes. */
export function splitPrior(piece: InkPiece, digitHeight: number, crossings: number, judged = false): number {
  const c = SEGMENT_COSTS;
  const width = piece.width / Math.max(digitHeight, piece.height);
  const narrow = judged ? 0 : c.narrowSplit * Math.max(0, c.splitWidth - width);
  return -c.split - narrow - c.crossing * Math.max(0, crossings - 1);
}

/** The shape prior of reading `piece` as one digit in a line of `digitHeight`. */
export function shapeScore(piece: InkPiece, digitHeight: number, judged = false): number {
  const c = SEGMENT_COSTS;
  const aspect = piece.width / Math.max(piece.height, 0.8 * digitHeight);
  const short = piece.height / digitHeight;
  const wide = judged ? 0 : c.wide * Math.max(0, aspect - c.wideAspect);
  return -wide - c.short * Math.max(0, c.shortHeight - short);
}

/**
 * The best sequence of options covering the whole line, given a score for each candidate digit
 * (`digitScore(option, k)`: log probability of its k-th digit's best class) and, when a judge
 * has looked at the pieces, what it says of each option (`judged(option)`, a log probability).
 */
export function bestReading(layout: LineLayout, digitScore: (option: LineOption, k: number) => number, judged?: (option: LineOption) => number): LineOption[] {
  const n = layout.pieces.length;
  const best = new Float64Array(n + 1).fill(-Infinity);
  const via: (LineOption | null)[] = new Array(n + 1).fill(null);
  best[0] = 0;
  for (let at = 0; at < n; at++) {
    if (best[at] === -Infinity) continue;
    for (const option of layout.options) {
      if (option.from !== at) continue;
      let score = best[at] + option.prior + (judged ? SEGMENT_COSTS.judge * judged(option) : 0);
      option.digits.forEach((d, k) => {
        score += digitScore(option, k) + shapeScore(d, layout.digitHeight, judged !== undefined);
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
