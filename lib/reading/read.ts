/**
 * Reading a picture of written numbers: the lines of writing, each split into digits, each digit
 * prepared the MNIST way by `preprocessDigit` (what `digit-lab predict` does to a photo of one
 * digit) and classified. Pure TypeScript on a grayscale image: the classifier is passed in, so
 * the same code runs in Node (tfjs-node, wasm) and in the browser pad.
 */
import { shrinkDigitImage, assertDigitImage, type DigitImage } from '../imaging/gray';
import { dropBorderFrames } from '../imaging/components';
import { findInk, preprocessDigit, DIGIT_INPUT_SIZE, FRAME_BORDER_FRACTION, MAX_WORKING_SIDE } from '../imaging/preprocess';
import { shiftedPicture, SHIFTS } from '../imaging/shifts';
import { median } from '../common/arrays';
import { bridgedPieces, inkPieces, type InkPiece } from './components';
import { cutOut } from './cutout';
import { findLines } from './lines';
import { CUT_LIMITS } from './cuts';
import { judgeInput, JUDGE_ONE, JUDGE_PART, JUDGE_TWO, pairMarginals, pairProbabilities, pairShare, type PieceJudge } from './judge';
import { pairOdds, PAIR_CALIBRATION, type PairCalibration, type PairEvidence } from './pair-odds';
import { bestReading, layOutLine, SEGMENT_COSTS, type LineLayout, type LineOption } from './segment';

/** Classifies prepared 28x28 digits (784 values, ink 1 on 0): ten probabilities each. */
export type DigitClassifier = (inputs: Float32Array[]) => Promise<number[][]> | number[][];

/** One digit read. */
export interface ReadDigit {
  digit: number;
  probability: number;
  runnerUp: { digit: number; probability: number };
  /** Below the confidence threshold: shown, but worth a second look. */
  lowConfidence: boolean;
  /** [x, y, width, height] of its ink, in the picture's pixels. */
  box: [number, number, number, number];
  probabilities: number[];
  /**
   * Who read it: the digit classifier on the cut-out alone, or with the judge's pair head (a digit
   * of two touching or overlapping ones; its probabilities are then the two opinions combined).
   */
  readBy: 'classifier' | 'pair head';
  /** The digit alone on plain paper, as handed to the preparation. */
  cutout: DigitImage;
  /** The prepared 28x28 input the classifier saw. */
  input: Float32Array;
}

/** One line of writing read. */
export interface ReadLine {
  text: string;
  digits: ReadDigit[];
  /** [x, y, width, height] of the line's ink, in the picture's pixels. */
  box: [number, number, number, number];
}

/** What a picture says. */
export interface ReadResult {
  /** The lines' texts joined by newlines; "" when there is no writing. */
  text: string;
  lines: ReadLine[];
  warnings: string[];
}

/** Options of `readText`. */
export interface ReadOptions {
  /** Digits whose probability is below this are flagged lowConfidence (default 0.7). */
  lowConfidence?: number;
  /**
   * Says how likely each piece of ink is to be two digits (lib/reading/judge.ts); without one, only
   * the pieces' widths and the classifier decide where to cut.
   */
  judge?: PieceJudge;
  /**
   * Once the reading is chosen, ask the classifier about each of its digits moved one pixel each
   * way too and read the digit from the five answers averaged (default true: measured on the
   * reading benchmark, see the README). `modelClassifier` answers for a model wrapped by
   * withShiftAveraging through the model it wraps, so the two do not both average.
   */
  averageShifts?: boolean;
  /** Weighs the judge, its pair head and the classifier on "one digit or two?" (default PAIR_CALIBRATION). */
  pairCalibration?: PairCalibration;
  /** Called with what is known of each piece the pair head read, and its box (for fitting the calibration). */
  observePair?: (evidence: PairEvidence, box: [number, number, number, number]) => void;
}

/** A gap wider than this many digit heights (and much wider than the line's usual gap) is a space. */
const SPACE_GAP = 0.75;
const SPACE_RATIO = 2.5;

/** Reads every line of digits in `image` with `classify` (see the module comment). */
export async function readText(image: DigitImage, classify: DigitClassifier, options: ReadOptions = {}): Promise<ReadResult> {
  assertDigitImage(image);
  const threshold = options.lowConfidence ?? 0.7;
  const factor = Math.ceil(Math.max(image.width, image.height) / MAX_WORKING_SIDE);
  const work = shrinkDigitImage(image, factor);
  let ink;
  try {
    ink = findInk(work);
  } catch (err) {
    if ((err as Error).message.startsWith('blank image')) return { text: '', lines: [], warnings: ['no writing found'] };
    throw err;
  }
  dropBorderFrames(ink.strength, work.width, work.height, FRAME_BORDER_FRACTION);
  const found = ink.threshold === null
    ? inkPieces(ink.strength, work.width, work.height)
    : bridgedPieces(ink.strength, ink.bright.gray, { paper: ink.bright.paper, threshold: ink.threshold }, work.width, work.height);
  const lines = findLines(found);
  if (lines.length === 0) return { text: '', lines: [], warnings: ['no writing found'] };
  // The judge's view of each piece wide enough to be two digits: only those it does not call
  // one digit for sure are cut (cheaper, and a classifier sure of both halves of a 0 cannot
  // talk it into two); then of each side of each cut, and of each pair of pieces taken as one.
  const judged = new Map<InkPiece, number[]>();
  const twoOdds = new Map<InkPiece, number>();
  const ask = async (pieces: InkPiece[], pairs: boolean) => {
    const fresh = pieces.filter((p) => !judged.has(p));
    if (!options.judge || fresh.length === 0) return;
    const answers = await options.judge(fresh.map((p) => judgeInput(p, ink.strength, work.width)), { pairs });
    fresh.forEach((p, k) => judged.set(p, answers[k]));
  };
  const layouts = [];
  for (const line of lines) {
    if (!options.judge) {
      layouts.push(layOutLine(line, ink.strength, work.width));
      continue;
    }
    const plain = layOutLine(line, ink.strength, work.width, { mayCut: () => false });
    await ask(plain.pieces.filter((p) => p.width >= CUT_LIMITS.minWidth * Math.max(plain.digitHeight, p.height)), true);
    const layout = layOutLine(line, ink.strength, work.width, { judged: true, mayCut: (_, i) => 1 - (judged.get(plain.pieces[i])?.[JUDGE_ONE] ?? 1) >= SEGMENT_COSTS.doubt });
    // Only whole pieces are read as pairs: the sides of cuts and merged pieces need the verdict alone.
    await ask(layout.options.filter((o) => o.kind !== 'whole').flatMap((o) => o.digits), false);
    // Pieces united with their parts are new objects in this layout: carry the verdicts over.
    layout.pieces.forEach((p, i) => {
      const v = judged.get(plain.pieces[i]);
      if (v) judged.set(p, v);
    });
    layouts.push(layout);
  }
  const judgeScore = (layout: LineLayout) => (option: LineOption): number => {
    const log = (v: number | undefined) => Math.log(Math.max(1e-4, v ?? 1));
    if (option.kind === 'merge') return log(judged.get(option.digits[0])?.[JUDGE_ONE]);
    const piece = layout.pieces[option.from];
    const two = twoOdds.get(piece);
    if (two !== undefined && (option.kind === 'whole' || option.kind === 'pair')) return Math.log(Math.max(1e-6, option.kind === 'pair' ? two : 1 - two));
    if (option.kind === 'whole') return log(judged.get(piece)?.[JUDGE_ONE]);
    return log(judged.get(piece)?.[JUDGE_TWO]) + option.digits.reduce((s, d) => s + log(judged.get(d)?.[JUDGE_ONE]), 0);
  };

  // Every candidate digit of every line, prepared, then classified in one batch.
  const prepared = new Map<InkPiece, { cutout: DigitImage; input: Float32Array | null }>();
  for (const layout of layouts) {
    for (const option of layout.options) {
      for (const piece of option.digits) {
        if (prepared.has(piece)) continue;
        const cutout = cutOut(piece, work, ink.paper);
        let input: Float32Array | null = null;
        try {
          input = preprocessDigit(cutout).pixels;
        } catch {
          // a sliver with too little ink to prepare cannot be a digit
        }
        prepared.set(piece, { cutout, input });
      }
    }
  }
  const pieces = [...prepared.keys()].filter((p) => prepared.get(p)?.input);
  const probabilities = pieces.length ? await classify(pieces.map((p) => prepared.get(p)?.input as Float32Array)) : [];
  const scores = new Map<InkPiece, number[]>(pieces.map((p, i) => [p, probabilities[i]]));

  // The two sides of a cut are read by the classifier and, when the judge has a pair head, by
  // what it says of the whole piece: each side's probabilities become the product of the two
  // (normalised for display), and the unnormalised best product is the side's score, so a cut
  // the two disagree on costs more.
  const fused = new Map<InkPiece, { probabilities: number[]; score: number }>();
  const pairViews = new Map<InkPiece, number[]>();
  if (options.judge) {
    for (const layout of layouts) {
      for (const option of layout.options) {
        if (option.kind !== 'split') continue;
        const pair = pairMarginals(judged.get(layout.pieces[option.from]));
        if (!pair) continue;
        option.digits.forEach((side, k) => {
          const p = scores.get(side);
          if (!p) return;
          fused.set(side, fuse(p, pair[k]));
          pairViews.set(side, pair[k]);
        });
      }
      addPairOptions(layout);
      weighPairs(layout);
    }
  }

  // Overlapping digits cut apart leave sides that neither the classifier nor the judge likes (a
  // digit with a bite out of it and a stroke of its neighbour), so a piece the pair head reads is
  // also offered as its two digits as the head reads them, scored by the head alone, drawn with
  // the boxes of the cut that agrees with it best.
  function addPairOptions(layout: LineLayout): void {
    layout.pieces.forEach((piece, i) => {
      const verdict = judged.get(piece);
      const pair = pairMarginals(verdict);
      if (!verdict || !pair) return;
      const splits = layout.options.filter((o) => o.from === i && o.kind === 'split' && o.digits.every((d) => fused.has(d)));
      if (splits.length === 0) return;
      const agreement = (o: LineOption) => o.digits.reduce((s, d) => s + (fused.get(d)?.score ?? -50), 0);
      const best = splits.reduce((a, b) => (agreement(b) > agreement(a) ? b : a));
      const top = Math.max(...(pairProbabilities(verdict) ?? [0]));
      // Shown as ten probabilities summing to 1, like every digit; the score keeps the head's doubt.
      const [left, right] = pair.map((q) => q.map((v) => v / Math.max(1e-9, q.reduce((s, x) => s + x, 0))));
      const digits = best.digits.map((side, k) => {
        const copy = { ...side };
        prepared.set(copy, prepared.get(side) as { cutout: DigitImage; input: Float32Array | null });
        scores.set(copy, scores.get(side) as number[]);
        fused.set(copy, { probabilities: k === 0 ? left : right, score: Math.log(Math.max(1e-9, top)) / 2 });
        return copy;
      });
      layout.options.push({ from: i, to: i + 1, kind: 'pair', digits, prior: -SEGMENT_COSTS.pair });
    });
  }

  // A piece read both whole and as a pair: how likely it is two digits, all opinions weighed.
  function weighPairs(layout: LineLayout): void {
    layout.pieces.forEach((piece, i) => {
      const verdict = judged.get(piece);
      const whole = layout.options.find((o) => o.from === i && o.kind === 'whole');
      if (!verdict || !whole || !layout.options.some((o) => o.from === i && o.kind === 'pair')) return;
      const confidence = scores.get(whole.digits[0]);
      const evidence: PairEvidence = {
        one: verdict[JUDGE_ONE],
        two: verdict[JUDGE_TWO],
        part: verdict[JUDGE_PART],
        pairShare: pairShare(verdict),
        topPair: Math.max(...(pairProbabilities(verdict) ?? [0])),
        wholeConfidence: confidence ? Math.max(...confidence) : 0,
        aspect: piece.width / piece.height,
        relativeWidth: piece.width / layout.digitHeight,
      };
      twoOdds.set(piece, pairOdds(evidence, options.pairCalibration ?? PAIR_CALIBRATION));
      options.observePair?.(evidence, [piece.x * factor, piece.y * factor, piece.width * factor, piece.height * factor]);
    });
  }

  const digitScore = (option: LineOption, k: number): number => {
    const side = fused.get(option.digits[k]);
    if (side) return side.score;
    const p = scores.get(option.digits[k]);
    return p ? Math.log(Math.max(1e-9, Math.max(...p))) : -50;
  };
  const chosen = layouts.map((layout) => bestReading(layout, digitScore, options.judge ? judgeScore(layout) : undefined).flatMap((o) => o.digits).filter((piece) => scores.has(piece)));
  // The chosen digits are looked at again from four shifted positions, and each is read from
  // the five looks averaged (the classifier's share of it, where the pair head has a say too).
  // Only the chosen ones: the reading itself is decided on one look per candidate, several
  // times cheaper, and the labels gain as much (see the README).
  const finalOf = new Map<InkPiece, number[]>();
  const readByPairHead = (piece: InkPiece) => fused.has(piece) && !pairViews.has(piece);
  if (options.averageShifts ?? true) {
    const looked = [...new Set(chosen.flat())].filter((piece) => !readByPairHead(piece));
    const averaged = await averageOverShifts(looked.map((p) => prepared.get(p)?.input as Float32Array), looked.map((p) => scores.get(p) as number[]), classify);
    looked.forEach((piece, i) => {
      const q = pairViews.get(piece);
      finalOf.set(piece, q ? fuse(averaged[i], q).probabilities : averaged[i]);
    });
  }

  const warnings: string[] = [];
  const readLines: ReadLine[] = [];
  for (const [l, layout] of layouts.entries()) {
    const digits = chosen[l].map((piece) => readDigit(piece, finalOf.get(piece) ?? fused.get(piece)?.probabilities ?? (scores.get(piece) as number[]), fused.has(piece), prepared.get(piece) as { cutout: DigitImage; input: Float32Array }, factor, threshold));
    if (digits.length === 0) continue;
    readLines.push({ text: lineText(digits, layout.digitHeight * factor), digits, box: unionBox(digits.map((d) => d.box)) });
    if (layout.dropped > 0) warnings.push(`${layout.dropped} small mark(s) away from the digits ignored`);
  }
  const low = readLines.flatMap((l) => l.digits).filter((d) => d.lowConfidence).length;
  if (low > 0) warnings.push(`${low} digit(s) read with low confidence (below ${Math.round(threshold * 100)}%)`);
  if (readLines.length === 0) warnings.push('no writing found');
  return { text: readLines.map((l) => l.text).join('\n'), lines: readLines, warnings };
}

/**
 * The classifier's answers for `inputs` averaged over SHIFTS, given its answers for the inputs
 * themselves (`unshifted`): the other views are asked in one batch.
 */
async function averageOverShifts(inputs: Float32Array[], unshifted: number[][], classify: DigitClassifier): Promise<number[][]> {
  if (inputs.length === 0) return [];
  const moves = SHIFTS.filter(([right, down]) => right !== 0 || down !== 0);
  const answers = await classify(inputs.flatMap((v) => moves.map(([right, down]) => shiftedPicture(v, DIGIT_INPUT_SIZE, right, down))));
  return inputs.map((_, i) => {
    const views = [unshifted[i], ...answers.slice(i * moves.length, (i + 1) * moves.length)];
    return views[0].map((_, d) => views.reduce((s, p) => s + p[d], 0) / views.length);
  });
}

/** Weight of the pair head's view of a side against the classifier's (see `fuse`). */
export const PAIR_WEIGHT = 1;

/** The classifier's probabilities `p` of one side of a cut, weighed with the pair head's `q`. */
function fuse(p: number[], q: number[]): { probabilities: number[]; score: number } {
  const product = p.map((v, d) => v * Math.max(1e-6, q[d]) ** PAIR_WEIGHT);
  const sum = product.reduce((s, v) => s + v, 0);
  return { probabilities: product.map((v) => v / sum), score: Math.log(Math.max(1e-9, Math.max(...product))) };
}

function readDigit(piece: InkPiece, p: number[], byPair: boolean, prep: { cutout: DigitImage; input: Float32Array }, factor: number, threshold: number): ReadDigit {
  const order = p.map((_, d) => d).sort((a, b) => p[b] - p[a]);
  return {
    digit: order[0],
    probability: p[order[0]],
    runnerUp: { digit: order[1], probability: p[order[1]] },
    lowConfidence: p[order[0]] < threshold,
    box: [piece.x * factor, piece.y * factor, piece.width * factor, piece.height * factor],
    probabilities: p,
    readBy: byPair ? 'pair head' : 'classifier',
    cutout: prep.cutout,
    input: prep.input,
  };
}

/** The digits as text, with a space where the gap is much wider than the line's usual one. */
function lineText(digits: ReadDigit[], digitHeight: number): string {
  const gaps = digits.slice(1).map((d, i) => d.box[0] - (digits[i].box[0] + digits[i].box[2]));
  const wide = SPACE_GAP * digitHeight;
  const usual = gaps.filter((g) => g <= wide);
  const typical = usual.length ? Math.max(0, median(usual)) : 0;
  let text = String(digits[0].digit);
  gaps.forEach((g, i) => {
    if (g > wide && g > SPACE_RATIO * typical) text += ' ';
    text += String(digits[i + 1].digit);
  });
  return text;
}

function unionBox(boxes: [number, number, number, number][]): [number, number, number, number] {
  const x0 = Math.min(...boxes.map((b) => b[0]));
  const y0 = Math.min(...boxes.map((b) => b[1]));
  const x1 = Math.max(...boxes.map((b) => b[0] + b[2]));
  const y1 = Math.max(...boxes.map((b) => b[1] + b[3]));
  return [x0, y0, x1 - x0, y1 - y0];
}
