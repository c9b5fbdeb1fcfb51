import { strict as assert } from 'assert';
import { MnistData } from '../../lib/data';
import { HELD_OUT_TEST_EXAMPLES, trainTestSets } from '../../lib/model/recipe';
import { syntheticDigits } from './synthetic';

function mnistLike(train: number, test: number | null): MnistData {
  return {
    dataset: 'mnist',
    source: { kind: 'embedded', location: 'test', subset: true },
    train: syntheticDigits(train, 1),
    test: test === null ? null : syntheticDigits(test, 2),
    files: [],
    classNames: [...'0123456789'],
  };
}

describe('training recipe helpers', () => {
  it('uses the official test split when there is one, and limits both sets', () => {
    const data = mnistLike(3000, 500);
    const { train, test, testSplit } = trainTestSets(data, 1000, 100);
    assert.equal(testSplit, 'official');
    assert.equal(train.count, 1000);
    assert.equal(test.count, 100);
    assert.deepEqual(test.labels, data.test!.labels.subarray(0, 100));
  });

  it('holds out the last training examples as the test set when there is no test split', () => {
    const data = mnistLike(2500, null);
    const { train, test, testSplit } = trainTestSets(data);
    assert.equal(testSplit, 'held-out');
    assert.equal(test.count, HELD_OUT_TEST_EXAMPLES);
    assert.equal(train.count, 500);
    assert.deepEqual(test.images.subarray(0, 784), data.train.images.subarray(500 * 784, 501 * 784));
    assert.throws(() => trainTestSets(mnistLike(1500, null)), /no test split and only 1500 training examples/);
  });
});
