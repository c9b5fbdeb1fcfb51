/**
 * The throughput bench in rounds. Each round measures every backend and every reference back to
 * back (lib/cli/bench.ts takes turns at which side goes first); the rounds are then combined by
 * medians. On a shared machine the speed on offer moves by tens of percent within a minute (Keras'
 * inference figure read 13,200 and 7,500 examples/s in two rounds of one run), so one engine
 * measured a minute after another can look 30% faster or slower than it is. A ratio is therefore
 * taken within each round, where ours and the reference ran seconds apart, and the median of those
 * per-round ratios is the one reported and checked.
 * Pure (no TensorFlow.js).
 */
import { median } from '../common/arrays';
import type { ReferenceOutcome, Throughput } from './compare';

/** Throughput combined over rounds: the medians, and each round's own numbers. */
export type OverRounds<T extends Throughput> = T & { rounds: Throughput[] };

function throughputOf(t: Throughput): Throughput {
  return { trainExamplesPerSec: t.trainExamplesPerSec, inferExamplesPerSec: t.inferExamplesPerSec };
}

/**
 * One engine's rounds as one result: the median training and inference throughput (each taken on
 * its own), every other field from the first round, and the rounds themselves.
 */
export function combineRounds<T extends Throughput>(rounds: readonly T[]): OverRounds<T> {
  if (!rounds.length) throw new Error('combineRounds: no rounds');
  return {
    ...rounds[0],
    trainExamplesPerSec: median(rounds.map((r) => r.trainExamplesPerSec)),
    inferExamplesPerSec: median(rounds.map((r) => r.inferExamplesPerSec)),
    rounds: rounds.map(throughputOf),
  };
}

/**
 * Ours over theirs, training and inference, as the median of the per-round ratios; undefined when
 * the two were not measured in the same rounds (then the caller divides the medians).
 */
export function pairedRatios(ours: Partial<OverRounds<Throughput>>, theirs: Partial<OverRounds<Throughput>>): Throughput | undefined {
  const a = ours.rounds;
  const b = theirs.rounds;
  if (!a || !b || a.length !== b.length || !a.length) return undefined;
  return {
    trainExamplesPerSec: median(a.map((r, i) => r.trainExamplesPerSec / b[i].trainExamplesPerSec)),
    inferExamplesPerSec: median(a.map((r, i) => r.inferExamplesPerSec / b[i].inferExamplesPerSec)),
  };
}

/**
 * A reference's outcomes over the rounds as one: the first failure or absence if any round had one
 * (a reference is compared only when it ran in every round), else its rounds combined.
 */
export function combineReferenceRounds<T extends Throughput>(outcomes: readonly ReferenceOutcome<T>[]): ReferenceOutcome<OverRounds<T>> {
  if (!outcomes.length) throw new Error('combineReferenceRounds: no rounds');
  const notOk = outcomes.find((o) => !o.ok);
  if (notOk && !notOk.ok) return notOk;
  const ran = outcomes as readonly Extract<ReferenceOutcome<T>, { ok: true }>[];
  return { reference: ran[0].reference, ok: true, python: ran[0].python, result: combineRounds(ran.map((o) => o.result)) };
}
