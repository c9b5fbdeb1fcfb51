/**
 * One digit or two? The final word on a piece the judge's pair head has read. The judge, its pair
 * head and the classifier each have an opinion, and each is sometimes sure and wrong: the pair
 * head calls a wide 4 "61", the small judge calls a whole 8 "part of one". A logistic model over
 * their log-probabilities and the piece's shape weighs them (fitted on numbers composed from MNIST
 * *training* digits by lib/bench/read-calibrate.ts). Pure.
 */

/** What is known of a piece that might be two digits. */
export interface PairEvidence {
  /** The judge's probabilities: one digit, two, part of one. */
  one: number;
  two: number;
  part: number;
  /** The pair head's probability that it is any pair, and of its likeliest pair. */
  pairShare: number;
  topPair: number;
  /** The classifier's top probability on the whole piece. */
  wholeConfidence: number;
  /** Width over height, and width over the line's digit height. */
  aspect: number;
  relativeWidth: number;
}

/** The logistic model: log-odds of two digits = bias + weights . features(evidence). */
export interface PairCalibration {
  weights: number[];
  bias: number;
}

/** The features' names, in the order of `PairCalibration.weights`. */
export const PAIR_FEATURES = ['log one', 'log two', 'log part', 'log pair share', 'log (1 - pair share)', 'log top pair', 'log whole confidence', 'aspect', 'relative width'] as const;

/** Fitted by lib/bench/read-calibrate.ts with the reference model and the embedded judge. */
export const PAIR_CALIBRATION: PairCalibration = {
  weights: [-0.3465, 0.1263, -0.1148, 0.2136, -0.5427, 0.2182, -4.0577, -0.3037, 0.0513],
  bias: -2.8764,
};

const logOf = (p: number) => Math.log(Math.min(1 - 1e-6, Math.max(1e-4, p)));

/** The evidence as the model's features (see PAIR_FEATURES). */
export function pairFeatures(e: PairEvidence): number[] {
  return [logOf(e.one), logOf(e.two), logOf(e.part), logOf(e.pairShare), logOf(1 - e.pairShare), logOf(e.topPair), logOf(e.wholeConfidence), e.aspect, e.relativeWidth];
}

/** The probability that the piece is two digits. */
export function pairOdds(e: PairEvidence, calibration: PairCalibration = PAIR_CALIBRATION): number {
  const features = pairFeatures(e);
  if (calibration.weights.length !== features.length) throw new Error(`a pair calibration needs ${features.length} weights, got ${calibration.weights.length}`);
  const z = features.reduce((s, x, k) => s + x * calibration.weights[k], calibration.bias);
  return 1 / (1 + Math.exp(-z));
}

/**
 * Fits the logistic model to labelled evidence by gradient descent on standardised features (with
 * a little L2, so a feature that happens to separate the sample perfectly gets a finite weight).
 */
export function fitPairCalibration(examples: { evidence: PairEvidence; two: boolean }[], steps = 3000): PairCalibration {
  if (examples.length === 0) throw new Error('fitPairCalibration: no examples');
  if (!examples.some((e) => e.two) || examples.every((e) => e.two)) throw new Error('fitPairCalibration: needs pieces of both kinds, one digit and two');
  const rows = examples.map((e) => pairFeatures(e.evidence));
  const n = rows.length;
  const k = rows[0].length;
  const mean = Array.from({ length: k }, (_, j) => rows.reduce((s, r) => s + r[j], 0) / n);
  const sd = Array.from({ length: k }, (_, j) => Math.sqrt(rows.reduce((s, r) => s + (r[j] - mean[j]) ** 2, 0) / n) + 1e-9);
  const z = rows.map((r) => r.map((x, j) => (x - mean[j]) / sd[j]));
  const w = new Array<number>(k).fill(0);
  let b = 0;
  for (let step = 0; step < steps; step++) {
    const gw = w.map((wj) => 1e-3 * wj);
    let gb = 0;
    z.forEach((r, i) => {
      const p = 1 / (1 + Math.exp(-(b + r.reduce((s, x, j) => s + x * w[j], 0))));
      const err = (p - (examples[i].two ? 1 : 0)) / n;
      r.forEach((x, j) => (gw[j] += err * x));
      gb += err;
    });
    w.forEach((_, j) => (w[j] -= 0.5 * gw[j]));
    b -= 0.5 * gb;
  }
  const weights = w.map((wj, j) => wj / sd[j]);
  return { weights, bias: b - weights.reduce((s, wj, j) => s + wj * mean[j], 0) };
}
