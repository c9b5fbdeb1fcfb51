/**
 * danfojs-node next to a real tfjs-node. danfojs-node pins tfjs-node 3.x, which we override with
 * an alias of plain @tensorflow/tfjs; that alias must not stand in for a real tfjs-node a user
 * installs, and danfojs must keep working while the native backend is loaded.
 */
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../lib/engine';
import { detectTfjsNode, findNativeSource } from '../../../lib/engine/native/load';
import { skipIf } from '../../helpers/skip';

const ROOT = path.resolve(__dirname, '..', '..', '..');

interface LockEntry { name?: string; version?: string; dependencies?: Record<string, string> }

describe('engine/native: danfojs-node next to a real tfjs-node', function () {
  this.timeout(120_000);

  it('an npm-installed tfjs-node is the real package, not the danfojs alias (lock file resolution)', function () {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'digit-lab-lock-'));
    try {
      for (const f of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(ROOT, f), path.join(tmp, f));
      const run = spawnSync('npm', ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund', '@tensorflow/tfjs-node@4.22.0'], {
        cwd: tmp, encoding: 'utf8', timeout: 100_000,
      });
      if (run.status !== 0 && /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|network/i.test(run.stderr)) {
        skipIf(this, `the npm registry is not reachable (${run.stderr.trim().split('\n').pop()})`);
      }
      assert.equal(run.status, 0, run.stderr);
      const pkg = JSON.parse(fs.readFileSync(path.join(tmp, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
      assert.doesNotMatch(pkg.dependencies['@tensorflow/tfjs-node'], /^npm:/, 'npm saved the alias instead of the real package');
      const lock = JSON.parse(fs.readFileSync(path.join(tmp, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
      const top = lock.packages['node_modules/@tensorflow/tfjs-node'];
      assert.ok(top, 'tfjs-node is installed at the top level');
      assert.equal(top.name, undefined, `the top-level tfjs-node is an alias of ${top.name}`);
      assert.equal(top.version, '4.22.0');
      // The real package brings its addon loader; the alias (plain tfjs) does not.
      assert.ok(top.dependencies?.['@mapbox/node-pre-gyp'], 'the top-level tfjs-node has the native package\'s dependencies');
      // danfojs-node then shares it (npm dedupes its override onto the real 4.22.0), or keeps its
      // own alias nested; either way it must not see anything else.
      const nested = lock.packages['node_modules/danfojs-node/node_modules/@tensorflow/tfjs-node'];
      if (nested) assert.equal(nested.name, '@tensorflow/tfjs');
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  describe('with the native backend loaded', () => {
    let previous: string;
    before(async function () {
      const found = findNativeSource();
      skipIf(this, found.source ? null : `no native tfjs-node here: ${found.reason}`);
      previous = tf.getBackend();
      await initBackend('tensorflow', { quiet: true });
    });
    after(async () => {
      if (previous) await tf.setBackend(previous);
    });

    it('leaves the alias in place for danfojs, and danfojs computes on the tensorflow backend', () => {
      const found = detectTfjsNode();
      assert.equal(found.available, false, 'the native build must not take over the name @tensorflow/tfjs-node');
      assert.match(found.reason, /alias/);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const dfd = require('danfojs-node') as typeof import('danfojs-node');
      const df = new dfd.DataFrame({ label: [3, 1, 3, 7], pixels: [0.5, 0.25, 1, 0] });
      assert.deepEqual(df.shape, [4, 2]);
      const counts = df['label'].valueCounts();
      assert.equal(counts.values[counts.index.indexOf(3)], 2);
      const t = df.tensor as unknown as tf.Tensor;
      assert.equal(tf.getBackend(), 'tensorflow');
      assert.deepEqual(Array.from(t.sum(0).dataSync()), [14, 1.75]);
      t.dispose();
    });
  });
});
