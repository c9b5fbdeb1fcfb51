import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import {
  MNIST_DATASETS, findMnistDataset, mirrorEnvVariable, mirrorsForDataset, mnistDatasetFiles,
} from '../../lib/data/catalogue';
import { SHARED_MNIST, requireSharedMnist } from './helpers';

describe('data/catalogue', () => {
  it('describes every data set completely', () => {
    assert.deepEqual(MNIST_DATASETS.map((d) => d.id), ['mnist', 'fashion-mnist', 'kmnist']);
    for (const d of MNIST_DATASETS) {
      assert.equal(d.classNames.length, 10, d.id);
      assert.ok(d.mirrors.length > 0 && d.mirrors.every((m) => /^https?:\/\/.+\/$/.test(m)), `${d.id} mirrors are URL bases ending in /`);
      const files = mnistDatasetFiles(d);
      assert.deepEqual(files.map((f) => f.name), ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']);
      for (const f of files) {
        assert.match(f.sha256, /^[0-9a-f]{64}$/, `${d.id} ${f.name}`);
        assert.ok(Number.isInteger(f.bytes) && f.bytes > 0);
        assert.equal(f.count, f.split === 'train' ? 60000 : 10000);
      }
      assert.equal(new Set(files.map((f) => f.sha256)).size, 4, `${d.id} checksums are distinct`);
    }
  });

  it('has the SHA-256s and sizes of ../shared/mnist', function () {
    requireSharedMnist(this);
    const sums = new Map(
      fs.readFileSync(path.join(SHARED_MNIST, 'SHA256SUMS'), 'utf8').trim().split('\n').map((l) => {
        const [sum, name] = l.trim().split(/\s+/);
        return [name, sum] as [string, string];
      }),
    );
    for (const f of mnistDatasetFiles(findMnistDataset('mnist'))) {
      assert.equal(f.sha256, sums.get(f.name), f.name);
      assert.equal(f.rawSha256, sums.get(f.name.replace(/\.gz$/, '')), `${f.name} decompressed`);
      assert.equal(f.bytes, fs.statSync(path.join(SHARED_MNIST, f.name)).size, f.name);
    }
  });

  it('finds data sets by id and common spellings, and lists the known ones otherwise', () => {
    assert.equal(findMnistDataset('MNIST').id, 'mnist');
    assert.equal(findMnistDataset('fashion').id, 'fashion-mnist');
    assert.equal(findMnistDataset('fashion_mnist').id, 'fashion-mnist');
    assert.throws(() => findMnistDataset('cifar10'), /unknown data set "cifar10" \(known: mnist, fashion-mnist, kmnist\)/);
  });

  it('takes mirrors from the environment (URLs or directories), replacing the defaults', () => {
    const mnist = findMnistDataset('mnist');
    const fashion = findMnistDataset('fashion-mnist');
    assert.equal(mirrorEnvVariable(mnist), 'DIGIT_LAB_MNIST_MIRROR');
    assert.equal(mirrorEnvVariable(fashion), 'DIGIT_LAB_FASHION_MNIST_MIRROR');
    assert.deepEqual(mirrorsForDataset(mnist, {}), mnist.mirrors);
    assert.deepEqual(
      mirrorsForDataset(mnist, { DIGIT_LAB_MNIST_MIRROR: ' http://127.0.0.1:8000/mnist/ , /srv/mnist ,' }),
      ['http://127.0.0.1:8000/mnist/', '/srv/mnist'],
    );
    assert.deepEqual(mirrorsForDataset(fashion, { DIGIT_LAB_MNIST_MIRROR: '/srv/mnist' }), fashion.mirrors, 'per data set');
  });
});
