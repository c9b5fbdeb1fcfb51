/** "One digit or two?": the calibration that weighs the judge, its pair head and the classifier. */
import { strict as assert } from 'assert';
import { seededRandom } from '../../lib/common/random';
import { fitPairCalibration, pairOdds, PAIR_CALIBRATION, PAIR_FEATURES, type PairEvidence } from '../../lib/reading/pair-odds';

const single: PairEvidence = { one: 0.9, two: 0.05, part: 0.05, pairShare: 0.05, topPair: 0.03, wholeConfidence: 0.999, aspect: 0.8, relativeWidth: 0.8 };
const pair: PairEvidence = { one: 0.05, two: 0.9, part: 0.05, pairShare: 0.98, topPair: 0.9, wholeConfidence: 0.7, aspect: 1.6, relativeWidth: 1.6 };

describe('pair odds', () => {
  it('calls a clear single digit one and a clear pair two', () => {
    assert.ok(pairOdds(single) < 0.1, `single: ${pairOdds(single)}`);
    assert.ok(pairOdds(pair) > 0.7, `pair: ${pairOdds(pair)}`);
  });

  it('grows with the judge\'s and the pair head\'s belief, and shrinks with the classifier\'s confidence in one digit', () => {
    const middle: PairEvidence = { ...single, pairShare: 0.8, topPair: 0.6, one: 0.4, two: 0.4, part: 0.2 };
    assert.ok(pairOdds({ ...middle, pairShare: 0.99 }) > pairOdds(middle));
    assert.ok(pairOdds({ ...middle, one: 0.1, two: 0.7 }) > pairOdds(middle));
    assert.ok(pairOdds({ ...middle, wholeConfidence: 0.6 }) > pairOdds(middle));
  });

  it('has one weight per feature, and says so when a calibration does not', () => {
    assert.equal(PAIR_CALIBRATION.weights.length, PAIR_FEATURES.length);
    assert.throws(() => pairOdds(single, { weights: [1, 2], bias: 0 }), /needs 9 weights, got 2/);
  });

  it('fits a calibration that separates held-out examples drawn like its own', () => {
    const random = seededRandom(3);
    const draw = (two: boolean): { evidence: PairEvidence; two: boolean } => {
      const base = two ? pair : single;
      const jitter = (v: number, spread: number) => Math.min(0.999, Math.max(0.001, v + spread * (random() - 0.5)));
      const evidence = { ...base, pairShare: jitter(base.pairShare, 0.8), one: jitter(base.one, 0.6), aspect: base.aspect + 0.6 * (random() - 0.5) };
      return { evidence, two };
    };
    const examples = Array.from({ length: 400 }, (_, i) => draw(i % 3 === 0));
    const fitted = fitPairCalibration(examples, 500);
    const held = Array.from({ length: 200 }, (_, i) => draw(i % 2 === 0));
    const wrong = held.filter((e) => pairOdds(e.evidence, fitted) > 0.5 !== e.two).length;
    assert.ok(wrong <= 4, `${wrong} of 200 held-out examples called wrong`);
  });

  it('refuses to fit without both kinds of piece', () => {
    assert.throws(() => fitPairCalibration([]), /no examples/);
    assert.throws(() => fitPairCalibration([{ evidence: single, two: false }]), /both kinds/);
  });
});
