/**
 * "One digit, two, or part of one?" for a piece of ink or a side of a cut. The digit classifier
 * cannot tell: a pair of touching digits squeezed into its 20x20 box often looks like a fine 0 or
 * 8, and the stem of a 7 cut off its bar is a fine 1. So a second, small model (trained on pieces
 * composed from MNIST *training* digits, see lib/bench/read-judge.ts) looks at each piece scaled
 * to a fixed height, where its width and the shape of a join or a cut stay visible, and says how
 * likely each is. Pure: the model itself is passed in.
 */
import type { InkPiece } from './components';
import { areaResampleBox } from '../imaging/resample';

/** The judge's input: the piece scaled to JUDGE_INK_HEIGHT, centred on a JUDGE_HEIGHT x JUDGE_WIDTH canvas. */
export const JUDGE_HEIGHT = 28;
export const JUDGE_WIDTH = 56;
const JUDGE_INK_HEIGHT = 22;
const JUDGE_MAX_INK_WIDTH = 52;

/** The judge's classes: one whole digit, two digits, part of a digit (or a digit with a bit of its neighbour). */
export const JUDGE_ONE = 0;
export const JUDGE_TWO = 1;
export const JUDGE_PART = 2;
/**
 * Where the judge's pair head starts, when it has one: 101 more values, the probability that the
 * piece is two digits reading "ab" at JUDGE_PAIR + 10a + b, and at JUDGE_NOT_A_PAIR that it is
 * one digit. A classifier shown one side of a cut through overlapping digits sees a digit with a
 * bite out of it and a stroke of its neighbour; the pair head sees both digits whole, as they
 * were written, and was trained on exactly that (lib/bench/read-pair.ts).
 */
export const JUDGE_PAIR = 3;
export const JUDGE_NOT_A_PAIR = JUDGE_PAIR + 100;

/** The pair head's 100 pair probabilities ("ab" at 10a + b), or null for a judge without one. */
export function pairProbabilities(verdict: readonly number[] | undefined): number[] | null {
  return verdict && verdict.length > JUDGE_NOT_A_PAIR ? verdict.slice(JUDGE_PAIR, JUDGE_PAIR + 100) : null;
}

/** How likely the pair head finds it that the piece is two digits (0 for a judge without one). */
export function pairShare(verdict: readonly number[] | undefined): number {
  return verdict && verdict.length > JUDGE_NOT_A_PAIR ? 1 - verdict[JUDGE_NOT_A_PAIR] : 0;
}

/**
 * Says, for each prepared piece (JUDGE_HEIGHT * JUDGE_WIDTH values), the probabilities of the three
 * classes, then the pair head's where it has one. With `{ pairs: false }` the pair head's values
 * are not needed (the sides of cuts), and a judge may leave them out: it is most of the work.
 */
export type PieceJudge = (inputs: Float32Array[], options?: { pairs?: boolean }) => Promise<number[][]> | number[][];

/** The name of the layer that joins the judge's output and its pair head's (lib/bench/read-pair.ts). */
export const JUDGE_JOIN_LAYER = 'judge_and_pair';

/**
 * What the judge's pair head says of the left and of the right digit of a piece (each the sum of
 * the pair probabilities over the other digit; the two sum to pairShare), or null without one.
 */
export function pairMarginals(verdict: readonly number[] | undefined): [number[], number[]] | null {
  const pairs = pairProbabilities(verdict);
  if (!pairs) return null;
  const left = new Array<number>(10).fill(0);
  const right = new Array<number>(10).fill(0);
  for (let a = 0; a < 10; a++) {
    for (let b = 0; b < 10; b++) {
      const p = pairs[10 * a + b];
      left[a] += p;
      right[b] += p;
    }
  }
  return [left, right];
}

/** The piece's ink (ink 1 on 0) scaled to the judge's height, keeping its aspect, centred. */
export function judgeInput(piece: InkPiece, strength: Float32Array, width: number): Float32Array {
  const local = new Float32Array(piece.width * piece.height);
  for (const p of piece.pixels) {
    const x = p % width;
    const y = (p - x) / width;
    local[(y - piece.y) * piece.width + x - piece.x] = strength[p];
  }
  const scale = Math.min(JUDGE_INK_HEIGHT / piece.height, JUDGE_MAX_INK_WIDTH / piece.width);
  const box = { x: 0, y: 0, width: piece.width, height: piece.height };
  const offsetX = (JUDGE_WIDTH - piece.width * scale) / 2;
  const offsetY = (JUDGE_HEIGHT - piece.height * scale) / 2;
  // areaResampleBox fills a square canvas: resample onto JUDGE_WIDTH square, keep the middle rows.
  const square = areaResampleBox(local, piece.width, box, scale, offsetX, offsetY + (JUDGE_WIDTH - JUDGE_HEIGHT) / 2, JUDGE_WIDTH);
  const out = square.slice(((JUDGE_WIDTH - JUDGE_HEIGHT) / 2) * JUDGE_WIDTH, ((JUDGE_WIDTH + JUDGE_HEIGHT) / 2) * JUDGE_WIDTH);
  let max = 0;
  for (const v of out) max = Math.max(max, v);
  if (max > 0) for (let i = 0; i < out.length; i++) out[i] /= max;
  return out;
}
