/**
 * The pieces of ink the reader finds in composed pictures, for training its judge and pair head
 * (lib/bench/read-judge.ts, read-pair.ts): the styles drawn and the reader's own first steps.
 */
import { findInk } from '../imaging/preprocess';
import { inkPieces, type InkPiece } from '../reading/components';
import { findLines } from '../reading/lines';
import { layOutLine } from '../reading/segment';
import type { composeNumber, NumberStyle } from './read-numbers';

const between = (random: () => number, lo: number, hi: number) => lo + (hi - lo) * random();
const intBetween = (random: () => number, lo: number, hi: number) => Math.floor(between(random, lo, hi + 1));

/** A style from the benchmark's range (plain 28 px most of the time, varied otherwise). */
export function drawStyle(random: () => number, gap: NumberStyle['gaps'][number]): NumberStyle {
  const varied = random() < 0.4;
  const h = varied ? intBetween(random, 20, 56) : 28;
  return {
    digitHeight: h,
    gaps: [gap],
    slant: varied ? between(random, -0.3, 0.3) : 0,
    drift: varied ? between(random, -0.08, 0.08) * h : 0,
    stroke: varied ? (h >= 36 ? intBetween(random, -1, 2) : intBetween(random, 0, 1)) : 0,
    paper: intBetween(random, 150, 245),
    ink: intBetween(random, 10, 90),
    gradient: intBetween(random, 0, 30),
    noise: between(random, 0, 8),
  };
}

/** The pieces the reader finds in a picture (parts attached), with the ink they were found in. */
export function piecesOf(image: ReturnType<typeof composeNumber>['image']): { pieces: InkPiece[]; strength: Float32Array; digitHeight: number } {
  let ink;
  try {
    ink = findInk(image);
  } catch {
    return { pieces: [], strength: new Float32Array(0), digitHeight: 0 }; // a digit thinned away to nothing
  }
  const lines = findLines(inkPieces(ink.strength, image.width, image.height));
  if (lines.length !== 1) return { pieces: [], strength: ink.strength, digitHeight: 0 };
  const layout = layOutLine(lines[0], ink.strength, image.width, { mayCut: () => false });
  return { pieces: layout.pieces, strength: ink.strength, digitHeight: layout.digitHeight };
}
