/**
 * `digit-lab read --bench`: how well and how fast numbers are read. Numbers are composed from
 * MNIST *test* digits (never trained on) under several conditions (see CONDITIONS) and read
 * with `readText` and a saved model; per condition: whole-number accuracy, digit accuracy (1 -
 * edit distance / digits, so a missed or extra digit counts) and milliseconds per picture.
 */
import { performance } from 'perf_hooks';
import { seededRandom } from '../common/random';
import type { ImageSet } from '../data/types';
import { readText, type DigitClassifier, type ReadOptions } from '../reading/read';
import { composeNumber, type ComposedNumber, type NumberStyle } from './read-numbers';

/** A benchmark condition: how its numbers are drawn. */
export interface ReadCondition {
  name: string;
  description: string;
  /** Digits per line for the i-th number, and the style of each line. */
  draw(random: () => number): { lines: number[]; styles: NumberStyle[] };
}

const between = (random: () => number, lo: number, hi: number) => lo + (hi - lo) * random();
const intBetween = (random: () => number, lo: number, hi: number) => Math.floor(between(random, lo, hi + 1));

/** A clean photo: 28 px digits, gaps of 2..8 px, light paper, little noise. */
function plainStyle(random: () => number, digits: number): NumberStyle {
  return {
    digitHeight: 28,
    gaps: Array.from({ length: digits - 1 }, () => intBetween(random, 2, 8)),
    slant: 0,
    drift: 0,
    stroke: 0,
    paper: intBetween(random, 200, 240),
    ink: intBetween(random, 20, 60),
    gradient: intBetween(random, 0, 10),
    noise: between(random, 0, 3),
  };
}

/** One pair of neighbours placed `kind` (touching or overlapping). */
function withPair(random: () => number, kind: 'touch' | 'overlap'): { lines: number[]; styles: NumberStyle[] } {
  const digits = intBetween(random, 3, 8);
  const style = plainStyle(random, digits);
  style.gaps[intBetween(random, 0, digits - 2)] = kind;
  return { lines: [digits], styles: [style] };
}

/** The benchmark's conditions. */
export const CONDITIONS: readonly ReadCondition[] = [
  {
    name: 'separated',
    description: '4 digits, 28 px high, gaps 2..8 px',
    draw: (random) => ({ lines: [4], styles: [plainStyle(random, 4)] }),
  },
  {
    name: 'touching',
    description: '3..8 digits, one pair whose strokes touch',
    draw: (random) => withPair(random, 'touch'),
  },
  {
    name: 'overlapping',
    description: '3..8 digits, one pair pushed 10% of the height into each other',
    draw: (random) => withPair(random, 'overlap'),
  },
  {
    name: 'varied',
    description: '3..8 digits; height 20..56 px, gaps 2..10 px at 28 px, slant, baseline drift, stroke width, paper shade, noise',
    draw: (random) => {
      const digits = intBetween(random, 3, 8);
      const h = intBetween(random, 20, 56);
      const k = h / 28;
      return {
        lines: [digits],
        styles: [{
          digitHeight: h,
          gaps: Array.from({ length: digits - 1 }, () => Math.round(between(random, 2, 10) * k)),
          slant: between(random, -0.3, 0.3),
          drift: between(random, -0.08, 0.08) * h,
          stroke: h >= 36 ? intBetween(random, -1, 2) : intBetween(random, 0, 1),
          paper: intBetween(random, 150, 245),
          ink: intBetween(random, 10, 90),
          gradient: intBetween(random, 0, 30),
          noise: between(random, 0, 8),
        }],
      };
    },
  },
  {
    name: 'two-lines',
    description: 'two numbers of 3..6 digits, one above the other; both must be read, in order',
    draw: (random) => {
      const a = intBetween(random, 3, 6);
      const b = intBetween(random, 3, 6);
      return { lines: [a, b], styles: [plainStyle(random, a), plainStyle(random, b)] };
    },
  },
  {
    name: 'six-digits',
    description: '6 digits as in separated: the reading speed',
    draw: (random) => ({ lines: [6], styles: [plainStyle(random, 6)] }),
  },
];

/** One condition's results. */
export interface ReadConditionResult {
  bench: 'read';
  condition: string;
  description: string;
  numbers: number;
  wholeNumberAccuracy: number;
  digitAccuracy: number;
  /** Median milliseconds to read one picture (preparation, segmentation, classification). */
  msPerNumber: number;
  /** A few misreadings, expected -> read. */
  examples: string[];
}

/** `count` numbers of `condition` composed from the digits of `set`, drawn from `seed`. */
export function* conditionNumbers(set: ImageSet, condition: ReadCondition, count: number, seed: number): Generator<ComposedNumber> {
  const random = seededRandom(seed);
  for (let n = 0; n < count; n++) {
    const { lines, styles } = condition.draw(random);
    const indices = lines.map((k) => Array.from({ length: k }, () => Math.floor(random() * set.count)));
    yield composeNumber(set, indices, styles, Math.floor(random() * 2 ** 31));
  }
}

/** Levenshtein distance of two strings. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row.push(Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)));
    prev = row;
  }
  return prev[b.length];
}

/** Options of `benchReading`. */
export interface ReadBenchOptions {
  /** Numbers per condition. */
  count: number;
  seed?: number;
  conditions?: readonly ReadCondition[];
  log?: (line: string) => void;
  /** How the numbers are read (the piece judge, for one). */
  read?: ReadOptions;
  /** Misreadings kept per condition as examples (default 5). */
  examples?: number;
}

/** Reads `count` composed numbers per condition from the test digits `test` with `classify`. */
export async function benchReading(test: ImageSet, classify: DigitClassifier, options: ReadBenchOptions): Promise<ReadConditionResult[]> {
  const results: ReadConditionResult[] = [];
  const seed = options.seed ?? 1;
  // Warm the classifier up (first calls compile kernels) so the first timings are not skewed.
  const warm = composeNumber(test, [[0, 1, 2, 3, 4, 5]], [plainStyle(seededRandom(seed), 6)], seed);
  for (let i = 0; i < 3; i++) await readText(warm.image, classify, options.read);
  for (const [c, condition] of (options.conditions ?? CONDITIONS).entries()) {
    let right = 0;
    let digits = 0;
    let errors = 0;
    const times: number[] = [];
    const examples: string[] = [];
    for (const picture of conditionNumbers(test, condition, options.count, seed * 1000 + c)) {
      const start = performance.now();
      const read = await readText(picture.image, classify, options.read);
      times.push(performance.now() - start);
      const expected = picture.text.replace(/\n/g, '|');
      const got = read.text.replace(/\n/g, '|');
      if (got === expected) right++;
      else if (examples.length < (options.examples ?? 5)) examples.push(`${expected} -> ${got}`);
      const plain = expected.replace(/\|/g, '');
      digits += plain.length;
      errors += Math.min(plain.length, editDistance(plain, got.replace(/\|/g, '')));
    }
    times.sort((a, b) => a - b);
    const r: ReadConditionResult = {
      bench: 'read',
      condition: condition.name,
      description: condition.description,
      numbers: options.count,
      wholeNumberAccuracy: round4(right / options.count),
      digitAccuracy: round4(1 - errors / digits),
      msPerNumber: Math.round(times[times.length >> 1] * 10) / 10,
      examples,
    };
    options.log?.(`${r.condition}: ${(100 * r.wholeNumberAccuracy).toFixed(1)}% numbers, ${(100 * r.digitAccuracy).toFixed(2)}% digits, ${r.msPerNumber} ms`);
    results.push(r);
  }
  return results;
}

function round4(x: number): number {
  return Math.round(x * 10000) / 10000;
}
