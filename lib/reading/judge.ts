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

/** Says, for each prepared piece (JUDGE_HEIGHT * JUDGE_WIDTH values), the probabilities of the three classes. */
export type PieceJudge = (inputs: Float32Array[]) => Promise<number[][]> | number[][];

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
