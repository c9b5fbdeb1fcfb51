/**
 * Our numbers against the references measured in the same run (Keras, PyTorch): the ratios, the
 * targets of DESIGN.md that apply to each backend, and the result lines, human and JSON. Pure
 * (no TensorFlow.js), so the command line and the tests use it without loading a backend.
 */

/** The references a result is compared with. */
export type ReferenceName = 'keras' | 'pytorch';
export const REFERENCE_NAMES: readonly ReferenceName[] = ['keras', 'pytorch'];

/** A reference run in this process's benchmark, or why it was not. */
export type ReferenceOutcome<T> =
  | { reference: ReferenceName; ok: true; python: string; result: T }
  /** `failed`: it was found but its run failed (the command then exits non-zero). */
  | { reference: ReferenceName; ok: false; reason: string; failed: boolean };

/** Throughput as both our bench and the reference scripts report it. */
export interface Throughput {
  trainExamplesPerSec: number;
  inferExamplesPerSec: number;
}

/** A measured engine's name (the reference scripts' `engine`). */
export interface Engine {
  engine: string;
}

/**
 * One ratio of ours over the reference's, and the target on it when DESIGN.md sets one for this
 * backend (null otherwise). Throughput ratios must be at least the target, time ratios at most.
 */
export interface RatioCheck {
  ratio: number;
  target: number | null;
  met: boolean | null;
}

/** Lower bounds on ours / reference throughput (training and inference), per backend. */
export const THROUGHPUT_TARGETS: Readonly<Record<string, Partial<Record<ReferenceName, { train?: number; infer?: number }>>>> = {
  tensorflow: { keras: { train: 0.9, infer: 0.9 } },
  wasm: { pytorch: { train: 0.5 } },
};

/** Upper bound on ours / Keras recipe time, per backend (wasm has none: it runs at about a quarter of Keras' speed). */
export const RECIPE_TIME_TARGETS: Readonly<Record<string, number>> = { tensorflow: 1.2 };

/** The reference recipe's test accuracy must reach this on every backend. */
export const RECIPE_ACCURACY_TARGET = 0.99;

/** `a / b` to 3 decimals. */
export function ratio(a: number, b: number): number {
  return Math.round((a / b) * 1000) / 1000;
}

/** A ratio against an optional lower (`at-least`) or upper (`at-most`) bound. */
export function checkRatio(value: number, target: number | undefined, direction: 'at-least' | 'at-most'): RatioCheck {
  if (target === undefined) return { ratio: value, target: null, met: null };
  return { ratio: value, target, met: direction === 'at-least' ? value >= target : value <= target };
}

/** How one backend's throughput compares with one reference, or why it cannot be compared. */
export type ThroughputComparison =
  | { engine: string; train: RatioCheck; infer: RatioCheck }
  | { absent: string };

/** Our throughput on `backend` over the reference's, with the targets that apply. */
export function compareThroughput(backend: string, ours: Throughput, reference: ReferenceName, outcome: ReferenceOutcome<Throughput & Engine>): ThroughputComparison {
  if (!outcome.ok) return { absent: outcome.reason };
  const targets = THROUGHPUT_TARGETS[backend]?.[reference] ?? {};
  const theirs = outcome.result;
  return {
    engine: theirs.engine,
    train: checkRatio(ratio(ours.trainExamplesPerSec, theirs.trainExamplesPerSec), targets.train, 'at-least'),
    infer: checkRatio(ratio(ours.inferExamplesPerSec, theirs.inferExamplesPerSec), targets.infer, 'at-least'),
  };
}

/** What a result line needs of our own measurement. */
export interface OursThroughput extends Throughput {
  backend: string;
  threads?: number;
  trainBatch: number;
  inferBatch: number;
}

/** Every reference's outcome, by name. */
export type ThroughputReferences = Record<ReferenceName, ReferenceOutcome<Throughput & Engine>>;

/** One backend's result line: its numbers plus, for each reference, the ratios and targets (or why absent). */
export function throughputResult<T extends OursThroughput>(ours: T, references: ThroughputReferences): {
  human: string; json: T & { references: Record<ReferenceName, ThroughputComparison> };
} {
  const comparisons = {} as Record<ReferenceName, ThroughputComparison>;
  for (const name of REFERENCE_NAMES) comparisons[name] = compareThroughput(ours.backend, ours, name, references[name]);
  const threads = ours.threads ? `, ${ours.threads} thread${ours.threads > 1 ? 's' : ''}` : '';
  const parts = [`${ours.backend}${threads}: train ${ours.trainExamplesPerSec} ex/s (batch ${ours.trainBatch}), infer ${ours.inferExamplesPerSec} ex/s (batch ${ours.inferBatch})`];
  for (const name of REFERENCE_NAMES) {
    const c = comparisons[name];
    parts.push('absent' in c ? `vs ${name}: not run` : `vs ${name}: train ${formatCheck(c.train, '>=')}, infer ${formatCheck(c.infer, '>=')}`);
  }
  return { human: parts.join('; '), json: { ...ours, references: comparisons } };
}

/** `0.85x (target >= 0.9x: NOT met)`, or `1.2x (no target)`. */
export function formatCheck(check: RatioCheck, comparator: '>=' | '<='): string {
  if (check.target === null) return `${check.ratio}x (no target)`;
  return `${check.ratio}x (target ${comparator} ${check.target}x: ${check.met ? 'met' : 'NOT met'})`;
}

/** The line for a reference: its numbers and which Python ran it, or why it did not run. */
export function referenceLine(outcome: ReferenceOutcome<Throughput & Engine & { threads?: number }>): { human: string; json: object } {
  if (!outcome.ok) {
    const verb = outcome.failed ? 'failed' : 'not run';
    return { human: `${outcome.reference}: ${verb}: ${outcome.reason}`, json: { reference: outcome.reference, ok: false, failed: outcome.failed, reason: outcome.reason } };
  }
  const r = outcome.result;
  const threads = r.threads ? `, ${r.threads} threads` : '';
  return {
    human: `${outcome.reference} (${r.engine}, ${outcome.python}${threads}): train ${r.trainExamplesPerSec} ex/s, infer ${r.inferExamplesPerSec} ex/s`,
    json: { reference: outcome.reference, ok: true, python: outcome.python, ...r },
  };
}

/** What a recipe result line needs of our run. */
export interface OursRecipe {
  backend: string;
  /** Augmentation + training (+ validation), as Keras' augmentSeconds + trainSeconds. */
  seconds: number;
  testAccuracy: number;
}

/** What the recipe comparison needs of Keras' run. */
export interface KerasRecipeTimes {
  engine: string;
  augmentSeconds: number;
  trainSeconds: number;
  testAccuracy: number;
}

/** How a recipe run compares with Keras' (time ratio, accuracy difference), or why it cannot be. */
export type RecipeComparison =
  | { engine: string; kerasSeconds: number; kerasTestAccuracy: number; time: RatioCheck; accuracyDifference: number }
  | { absent: string };

/** A recipe result line: seconds, test accuracy against its target, and the ratio to Keras' time. */
export function recipeResult<T extends OursRecipe>(ours: T, keras: ReferenceOutcome<KerasRecipeTimes>): {
  human: string; json: T & { accuracy: { value: number; target: number; met: boolean }; references: { keras: RecipeComparison } };
} {
  const accuracy = { value: ours.testAccuracy, target: RECIPE_ACCURACY_TARGET, met: ours.testAccuracy >= RECIPE_ACCURACY_TARGET };
  let comparison: RecipeComparison;
  if (keras.ok) {
    const kerasSeconds = Math.round((keras.result.augmentSeconds + keras.result.trainSeconds) * 10) / 10;
    comparison = {
      engine: keras.result.engine,
      kerasSeconds,
      kerasTestAccuracy: keras.result.testAccuracy,
      time: checkRatio(ratio(ours.seconds, kerasSeconds), RECIPE_TIME_TARGETS[ours.backend], 'at-most'),
      accuracyDifference: Math.round((ours.testAccuracy - keras.result.testAccuracy) * 10000) / 10000,
    };
  } else {
    comparison = { absent: keras.reason };
  }
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  const accText = `test accuracy ${pct(ours.testAccuracy)} (target >= ${pct(RECIPE_ACCURACY_TARGET)}: ${accuracy.met ? 'met' : 'NOT met'})`;
  const vs = 'absent' in comparison
    ? 'vs keras: not run'
    : `vs keras (${comparison.kerasSeconds} s, ${pct(comparison.kerasTestAccuracy)}): time ${formatCheck(comparison.time, '<=')}`;
  return {
    human: `recipe on ${ours.backend}: ${ours.seconds.toFixed(1)} s, ${accText}; ${vs}`,
    json: { ...ours, accuracy, references: { keras: comparison } },
  };
}
