/**
 * The same strokes, rasterised in Node and saved as PNGs, through the built `digit-lab predict`
 * with the pad's own (decoded, default-encoded) weights: the CLI must give the pad's answer.
 */
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { saveModel } from '../../lib/model/persist';
import { padPayloadToModel, serializeModelForPad } from '../../lib/drawpad/node';
import { digitImageToPng, predictPadStrokes, rasterisePadStrokes } from './oracles';
import { DIGIT_STROKES, ROOT, trainedSeedCnn } from './fixtures';

const CLI = path.join(ROOT, 'bin', 'digit-lab.js');
const BUILT = [path.join(ROOT, 'dist', 'lib', 'cli', 'main.js'), path.join(ROOT, 'dist', 'lib', 'cli', 'predict.js')];

describe('drawpad strokes through `digit-lab predict` @slow', function () {
  this.timeout(180_000);
  let dir: string | undefined;

  before(function () {
    const missing = BUILT.find((f) => !existsSync(f));
    if (missing) {
      console.log(`      (skipped: ${path.relative(ROOT, missing)} is not built; run \`npx tsc -p tsconfig.json\` first)`);
      this.skip();
    }
  });

  after(function () {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('gives the digit and probabilities the pad gives for a 1, a 0 and a 7', async function () {
    dir = mkdtempSync(path.join(os.tmpdir(), 'digit-lab-drawpad-cli-'));
    const padModel = await padPayloadToModel(serializeModelForPad(await trainedSeedCnn()));
    const modelDir = path.join(dir, 'model');
    await saveModel(padModel, modelDir, { modelName: 'seed_cnn as embedded in the pad' });
    const images = DIGIT_STROKES.map(({ digit, strokes }) => {
      const file = path.join(dir!, `drawn-${digit}.png`);
      writeFileSync(file, digitImageToPng(rasterisePadStrokes(strokes)));
      return file;
    });
    const { stdout } = await promisify(execFile)(process.execPath, [CLI, 'predict', '--model', modelDir, '--json', ...images], {
      cwd: ROOT,
      timeout: 150_000,
    });
    const results = stdout.trim().split('\n').map((line) => JSON.parse(line) as { image: string; digit: number; probabilities: number[] });
    assert.equal(results.length, DIGIT_STROKES.length);
    DIGIT_STROKES.forEach(({ digit, strokes }, i) => {
      const pad = predictPadStrokes(padModel, strokes);
      assert.equal(results[i].image, images[i]);
      assert.equal(results[i].digit, digit, `predict says ${results[i].digit} for the drawn ${digit}`);
      assert.equal(results[i].digit, pad.digit);
      const diff = Math.max(...results[i].probabilities.map((p, d) => Math.abs(p - pad.probabilities[d])));
      assert.ok(diff < 0.005, `${digit}: CLI and pad probabilities differ by ${diff.toFixed(4)}`);
    });
    padModel.dispose();
  });
});
