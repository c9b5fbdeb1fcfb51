/** bench/compare: ratios against the references, the targets per backend, and the result lines. */
import * as assert from 'assert';
import {
  checkRatio, formatCheck, recipeResult, referenceLine, throughputResult, type ThroughputReferences,
} from '../../lib/bench/compare';

const KERAS = { engine: 'keras-3.15.1-tensorflow-2.21.0', threads: 2, trainExamplesPerSec: 4000, inferExamplesPerSec: 20000 };
const TORCH = { engine: 'pytorch-2.13', threads: 2, trainExamplesPerSec: 2000, inferExamplesPerSec: 2500 };

function ours(backend: string, train: number, infer: number) {
  return { backend, model: 'seed-cnn', threads: 2, trainBatch: 128, inferBatch: 512, trainExamplesPerSec: train, inferExamplesPerSec: infer };
}

const BOTH: ThroughputReferences = {
  keras: { reference: 'keras', ok: true, python: '/venv/bin/python', result: KERAS },
  pytorch: { reference: 'pytorch', ok: true, python: '/usr/bin/python3', result: TORCH },
};

describe('bench/compare: ratios, targets and result lines', () => {
  it('checks a ratio against a lower or upper bound, or none', () => {
    assert.deepStrictEqual(checkRatio(0.95, 0.9, 'at-least'), { ratio: 0.95, target: 0.9, met: true });
    assert.deepStrictEqual(checkRatio(0.9, 0.9, 'at-least'), { ratio: 0.9, target: 0.9, met: true });
    assert.deepStrictEqual(checkRatio(1.25, 1.2, 'at-most'), { ratio: 1.25, target: 1.2, met: false });
    assert.deepStrictEqual(checkRatio(0.3, undefined, 'at-least'), { ratio: 0.3, target: null, met: null });
    assert.strictEqual(formatCheck({ ratio: 0.85, target: 0.9, met: false }, '>='), '0.85x (target >= 0.9x: NOT met)');
    assert.strictEqual(formatCheck({ ratio: 1.1, target: 1.2, met: true }, '<='), '1.1x (target <= 1.2x: met)');
    assert.strictEqual(formatCheck({ ratio: 0.3, target: null, met: null }, '>='), '0.3x (no target)');
  });

  it('holds tensorflow to 0.9x Keras (train and infer) and wasm to 0.5x PyTorch (train)', () => {
    const tf = throughputResult(ours('tensorflow', 3700, 17000), BOTH);
    assert.deepStrictEqual(tf.json.references.keras, {
      engine: KERAS.engine, train: { ratio: 0.925, target: 0.9, met: true }, infer: { ratio: 0.85, target: 0.9, met: false },
    });
    assert.deepStrictEqual(tf.json.references.pytorch, {
      engine: TORCH.engine, train: { ratio: 1.85, target: null, met: null }, infer: { ratio: 6.8, target: null, met: null },
    });
    assert.strictEqual(tf.json.backend, 'tensorflow');
    assert.strictEqual(tf.json.trainExamplesPerSec, 3700);
    assert.strictEqual(tf.human,
      'tensorflow, 2 threads: train 3700 ex/s (batch 128), infer 17000 ex/s (batch 512); ' +
      'vs keras: train 0.925x (target >= 0.9x: met), infer 0.85x (target >= 0.9x: NOT met); ' +
      'vs pytorch: train 1.85x (no target), infer 6.8x (no target)');
    const wasm = throughputResult(ours('wasm', 1040, 5250), BOTH);
    assert.deepStrictEqual(wasm.json.references.pytorch, {
      engine: TORCH.engine, train: { ratio: 0.52, target: 0.5, met: true }, infer: { ratio: 2.1, target: null, met: null },
    });
    assert.strictEqual((wasm.json.references.keras as { train: { target: null } }).train.target, null);
  });

  it('names an absent reference and why, in the line and in its JSON', () => {
    const refs: ThroughputReferences = {
      keras: { reference: 'keras', ok: false, reason: 'no Python with tensorflow and keras: /usr/bin/python3 (system python): not found', failed: false },
      pytorch: { reference: 'pytorch', ok: false, reason: '--no-torch', failed: false },
    };
    const line = throughputResult(ours('wasm', 1000, 5000), refs);
    assert.deepStrictEqual(line.json.references, { keras: { absent: refs.keras.ok ? '' : refs.keras.reason }, pytorch: { absent: '--no-torch' } });
    assert.match(line.human, /vs keras: not run; vs pytorch: not run$/);
    assert.strictEqual(referenceLine(refs.keras).human, 'keras: not run: no Python with tensorflow and keras: /usr/bin/python3 (system python): not found');
    assert.deepStrictEqual(referenceLine({ reference: 'keras', ok: false, reason: 'keras_seed_cnn.py failed (exit status 1): boom', failed: true }).json,
      { reference: 'keras', ok: false, failed: true, reason: 'keras_seed_cnn.py failed (exit status 1): boom' });
    const ran = referenceLine(BOTH.keras);
    assert.strictEqual(ran.human, 'keras (keras-3.15.1-tensorflow-2.21.0, /venv/bin/python, 2 threads): train 4000 ex/s, infer 20000 ex/s');
    assert.deepStrictEqual(ran.json, { reference: 'keras', ok: true, python: '/venv/bin/python', ...KERAS });
  });

  it('compares the recipe: time (augmentation + fit) against 1.2x Keras on tensorflow, accuracy against 99.0% everywhere', () => {
    const keras = { reference: 'keras' as const, ok: true as const, python: '/venv/bin/python', result: { engine: KERAS.engine, augmentSeconds: 5, trainSeconds: 145, testAccuracy: 0.9915 } };
    const tf = recipeResult({ backend: 'tensorflow', seconds: 170, testAccuracy: 0.9903 }, keras);
    assert.deepStrictEqual(tf.json.references.keras, {
      engine: KERAS.engine, kerasSeconds: 150, kerasTestAccuracy: 0.9915, time: { ratio: 1.133, target: 1.2, met: true }, accuracyDifference: -0.0012,
    });
    assert.deepStrictEqual(tf.json.accuracy, { value: 0.9903, target: 0.99, met: true });
    assert.strictEqual(tf.human,
      'recipe on tensorflow: 170.0 s, test accuracy 99.03% (target >= 99.00%: met); vs keras (150 s, 99.15%): time 1.133x (target <= 1.2x: met)');
    const wasm = recipeResult({ backend: 'wasm', seconds: 600, testAccuracy: 0.9895 }, keras);
    assert.match(wasm.human, /test accuracy 98\.95% \(target >= 99\.00%: NOT met\); vs keras \(150 s, 99\.15%\): time 4x \(no target\)$/);
    const absent = recipeResult({ backend: 'tensorflow', seconds: 170, testAccuracy: 0.991 }, { reference: 'keras', ok: false, reason: '--no-keras', failed: false });
    assert.deepStrictEqual(absent.json.references.keras, { absent: '--no-keras' });
    assert.match(absent.human, /; vs keras: not run$/);
  });
});
