import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PNG } from 'pngjs';
import { tinyCnn } from '../../lib/model/architectures';
import { saveModel } from '../../lib/model/persist';
import { syntheticDigits } from '../model/synthetic';
import { runCli } from '../model/run-train-cli';

/** Writes a 28x28 digit scaled up 3x as a dark-on-light grayscale PNG, the way a scan looks. */
function writeDigitPng(file: string, pixels: Uint8Array): void {
  const scale = 3;
  const png = new PNG({ width: 28 * scale, height: 28 * scale });
  for (let y = 0; y < 28 * scale; y++) {
    for (let x = 0; x < 28 * scale; x++) {
      const v = 255 - pixels[Math.floor(y / scale) * 28 + Math.floor(x / scale)];
      const at = (y * 28 * scale + x) * 4;
      png.data[at] = png.data[at + 1] = png.data[at + 2] = v;
      png.data[at + 3] = 255;
    }
  }
  fs.writeFileSync(file, PNG.sync.write(png));
}

describe('digit-lab predict @slow', function () {
  this.timeout(60000);
  let dir: string;
  let model: string;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'digit-lab-predict-cli-'));
    model = path.join(dir, 'model');
    const m = tinyCnn({ seed: 1 });
    await saveModel(m, model, { modelName: 'tiny' });
    m.dispose();
    const digits = syntheticDigits(2, 1);
    writeDigitPng(path.join(dir, 'a.png'), digits.images.subarray(0, 784));
    writeDigitPng(path.join(dir, 'b.png'), digits.images.subarray(784, 1568));
    fs.writeFileSync(path.join(dir, 'not-an-image.png'), 'hello');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('prints one JSON line per image with the digit, confidence and 10 probabilities', async () => {
    const images = [path.join(dir, 'a.png'), path.join(dir, 'b.png')];
    const r = await runCli(['predict', ...images, '--model', model, '--backend', 'cpu', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.length, 2);
    lines.forEach((line, i) => {
      assert.equal(line.image, images[i]);
      assert.equal(line.probabilities.length, 10);
      assert.ok(Math.abs(line.probabilities.reduce((a: number, b: number) => a + b, 0) - 1) < 1e-4);
      assert.equal(line.digit, line.probabilities.indexOf(Math.max(...line.probabilities)));
      assert.equal(line.confidence, line.probabilities[line.digit]);
    });
  });

  it('prints a readable line per image without --json', async () => {
    const r = await runCli(['predict', path.join(dir, 'a.png'), '--model', model, '--backend', 'cpu']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /a\.png: \d \(\d+\.\d%\)  0:0\.\d{3} 1:/);
  });

  it('names the problem: missing model, missing image, not an image', async () => {
    const a = path.join(dir, 'a.png');
    let r = await runCli(['predict', a, '--model', path.join(dir, 'nope'), '--backend', 'cpu']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /error: model directory not found: .*nope/);
    r = await runCli(['predict', path.join(dir, 'missing.png'), '--model', model, '--backend', 'cpu']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /error: .*missing\.png: no such file/);
    r = await runCli(['predict', path.join(dir, 'not-an-image.png'), '--model', model, '--backend', 'cpu']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /error: .*not-an-image\.png/);
    assert.equal(r.stdout, '');
  });

  it('shows all of a model that cannot be built: the file, the unknown layer and the reasons', async () => {
    const broken = path.join(dir, 'broken');
    fs.cpSync(model, broken, { recursive: true });
    const jsonPath = path.join(broken, 'model.json');
    fs.writeFileSync(jsonPath, fs.readFileSync(jsonPath, 'utf8').replace(/"class_name":"Conv2D"/g, '"class_name":"FancyConv"'));
    const r = await runCli(['predict', path.join(dir, 'a.png'), '--model', broken, '--backend', 'cpu']);
    assert.notEqual(r.code, 0);
    const lines = r.stderr.trimEnd().split('\n').filter((l) => l.startsWith('error:') || l.startsWith('  '));
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], new RegExp(`^error: ${jsonPath}: cannot build the model: Unknown layer: FancyConv\\. .*1\\. .*2\\. .*registerClass`));
  });

  it('answers for every good image when one of them is bad, then exits non-zero', async () => {
    const a = path.join(dir, 'a.png');
    const bad = path.join(dir, 'not-an-image.png');
    const b = path.join(dir, 'b.png');
    const r = await runCli(['predict', a, bad, b, '--model', model, '--backend', 'cpu', '--json']);
    assert.equal(r.code, 1);
    assert.deepEqual(r.stdout.trim().split('\n').map((l) => JSON.parse(l).image), [a, b]);
    assert.match(r.stderr, /error: .*not-an-image\.png: not a PNG or JPEG image/);
    assert.match(r.stderr, /error: 1 of 3 image\(s\) could not be read/);
  });
});
