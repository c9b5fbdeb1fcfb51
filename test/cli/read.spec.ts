import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadMnist } from '../../lib/data';
import { trainTestSets } from '../../lib/model/recipe';
import { composeNumber } from '../../lib/bench/read-numbers';
import { MODEL_CACHE, trainedSeedCnn } from '../drawpad/fixtures';
import { runDigitLab as runCli, writeGrayPng } from '../reading/helpers';

describe('digit-lab read @slow', function () {
  this.timeout(180000);
  let dir: string;
  let text: string;
  /** `file: text` and nothing else but, after two spaces, the warnings in brackets (the small test model is unsure of some digits). */
  const plainLine = (file: string) => new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ${text}(  \\([^\n]*\\))?\n$`);
  before(async () => {
    (await trainedSeedCnn()).dispose();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'digit-lab-read-cli-'));
    const digits = trainTestSets(await loadMnist({ source: 'embedded', quiet: true })).test;
    const style = { digitHeight: 28, gaps: [6, 6], slant: 0, drift: 0, stroke: 0, paper: 225, ink: 35, gradient: 0, noise: 0 };
    // Digits 0, 1 and 3 of the held-out set (a 0, a 3 and a 6 or so: whatever they are, the answer is compared with the labels).
    const pic = composeNumber(digits, [[0, 1, 3]], [style], 1);
    text = pic.text;
    writeGrayPng(path.join(dir, 'number.png'), pic.image);
    writeGrayPng(path.join(dir, 'blank.png'), { width: 80, height: 40, gray: new Uint8Array(3200).fill(240) });
    fs.writeFileSync(path.join(dir, 'not-an-image.png'), 'hello');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('prints `file: text` per image', async () => {
    const file = path.join(dir, 'number.png');
    const r = await runCli(['read', file, '--model', MODEL_CACHE, '--backend', 'cpu']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, plainLine(file));
  });

  it('prints one JSON line per image with lines, digits and warnings; a blank image reads as "" with a warning', async () => {
    const files = [path.join(dir, 'number.png'), path.join(dir, 'blank.png')];
    const r = await runCli(['read', ...files, '--model', MODEL_CACHE, '--backend', 'cpu', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const [number, blank] = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(Object.keys(number), ['file', 'text', 'lines', 'warnings']);
    assert.equal(number.file, files[0]);
    assert.equal(number.text, text);
    assert.equal(number.lines.length, 1);
    assert.equal(number.lines[0].text, text);
    for (const d of number.lines[0].digits) {
      assert.ok(Number.isInteger(d.digit) && d.probability > 0 && d.probability <= 1);
      assert.ok(d.runnerUp.probability <= d.probability && d.runnerUp.digit !== d.digit);
      assert.equal(d.box.length, 4);
    }
    assert.deepEqual(blank, { file: files[1], text: '', lines: [], warnings: ['no writing found'] });
  });

  it('reports a bad file the way predict does and still reads the others', async () => {
    const good = path.join(dir, 'number.png');
    const bad = path.join(dir, 'not-an-image.png');
    const r = await runCli(['read', bad, good, path.join(dir, 'missing.png'), '--model', MODEL_CACHE, '--backend', 'cpu']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, plainLine(good));
    assert.match(r.stderr, /error: .*not-an-image\.png: not a PNG or JPEG image/);
    assert.match(r.stderr, /error: .*missing\.png: no such file/);
    assert.match(r.stderr, /error: 2 of 3 image\(s\) could not be read/);
  });
});
