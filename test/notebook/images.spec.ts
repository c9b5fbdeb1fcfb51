import { strict as assert } from 'assert';
import { PNG } from 'pngjs';
import { drawBitmapText } from '../../lib/notebook/bitmap-font';
import { VIZ_CSS } from '../../lib/notebook/theme';
import { cssContrast } from '../helpers/contrast';
import { JUPYTERLAB_THEMES } from '../helpers/jupyterlab-theme';
import { augmentationComparisonHtml, digitPng, imageGridHtml, imageGridPng, mistakesGalleryHtml } from '../../lib/notebook/images';

/** n 28x28 images; image k has one bright pixel at (row k, col k) on black, value 200 + k. */
function dots(n: number): Uint8Array {
  const images = new Uint8Array(n * 784);
  for (let k = 0; k < n; k++) images[k * 784 + k * 28 + k] = 200 + k;
  return images;
}

function decode(png: Buffer): PNG {
  assert.deepEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], 'PNG signature');
  return PNG.sync.read(png);
}

function grey(png: PNG, x: number, y: number): number {
  return png.data[(y * png.width + x) * 4];
}

function dataUrls(html: string): Buffer[] {
  return [...html.matchAll(/src="data:image\/png;base64,([^"]+)"/g)].map((m) => Buffer.from(m[1], 'base64'));
}

describe('notebook: images', () => {
  it('encodes one digit at the given scale, pixel for pixel', () => {
    const png = decode(digitPng(dots(3), 2, { scale: 3 }));
    assert.equal(png.width, 84);
    assert.equal(png.height, 84);
    // Pixel (2,2) of image 2 becomes the 3x3 block at (6..8, 6..8).
    for (let dy = 0; dy < 3; dy++) for (let dx = 0; dx < 3; dx++) assert.equal(grey(png, 6 + dx, 6 + dy), 202);
    assert.equal(grey(png, 9, 6), 0);
    assert.equal(grey(png, 0, 0), 0);
  });

  it('accepts float images in 0..1, image sets with their own size, and inverts on request', () => {
    const float = new Float32Array(4 * 5);
    float[0] = 1;
    float[1] = 0.5;
    float[2] = 7; // out of range: clamped
    const png = decode(digitPng({ images: float, rows: 4, cols: 5 }, 0, { scale: 1, invert: true }));
    assert.equal(png.width, 5);
    assert.equal(png.height, 4);
    assert.equal(grey(png, 0, 0), 0);
    assert.equal(grey(png, 1, 0), 127);
    assert.equal(grey(png, 2, 0), 0);
    assert.equal(grey(png, 3, 0), 255);
  });

  it('says what is wrong with bad input', () => {
    assert.throws(() => digitPng(new Uint8Array(100)), /100 pixels is not a whole number of 28x28 images/);
    assert.throws(() => digitPng(dots(2), 2), /image index 2 is out of range \(0\.\.1\)/);
    assert.throws(() => digitPng(dots(1), 0, { scale: 0 }), /scale 0 must be a whole number/);
    assert.throws(() => imageGridPng(dots(2), []), /at least one index/);
    assert.throws(() => imageGridPng(dots(2), [0, 1], { captions: ['a'] }), /1 captions for 2 images/);
    assert.throws(() => imageGridPng(dots(2), [0], { captions: ['cat'] }), /PNG captions can only use .*"c", "a", "t"/);
    assert.throws(() => imageGridHtml(dots(2), [0], { labels: [] }), /no label for image 0/);
  });

  it('lays a grid out in rows and columns with gaps', () => {
    const png = decode(imageGridPng(dots(5), [4, 0, 1], { cols: 2, scale: 1, gap: 2 }));
    assert.equal(png.width, 2 * 28 + 3 * 2);
    assert.equal(png.height, 2 * 28 + 3 * 2);
    assert.equal(grey(png, 2 + 4, 2 + 4), 204, 'first cell shows image 4');
    assert.equal(grey(png, 2 + 28 + 2 + 0, 2), 200, 'second cell shows image 0');
    assert.equal(grey(png, 2 + 1, 2 + 28 + 2 + 1), 201, 'second row shows image 1');
    assert.equal(grey(png, 0, 0), 128, 'gaps are mid grey');
  });

  it('burns label digits under each image with the pixel font', () => {
    const labels = new Uint8Array([7, 1]);
    const png = decode(imageGridPng(dots(2), [0, 1], { cols: 2, scale: 2, gap: 2, labels }));
    const fontScale = 1;
    const captionTop = 2 + 56 + fontScale + 1;
    assert.equal(png.height, 2 * 2 + 56 + (5 + 2) * fontScale + 2);
    // Compare the drawn caption of cell 0 with the glyph for "7".
    const expected = new Set<string>();
    drawBitmapText('7', (x, y) => expected.add(`${x},${y}`));
    const left = 2 + Math.floor((56 - 3) / 2);
    for (let y = 0; y < 5; y++) {
      for (let x = 0; x < 3; x++) {
        const ink = grey(png, left + x, captionTop + y) === 0;
        assert.equal(ink, expected.has(`${x},${y}`), `glyph pixel ${x},${y}`);
      }
    }
  });

  it('builds an HTML grid of PNGs with text captions (labels default to the set\'s)', () => {
    const html = imageGridHtml({ images: dots(3), labels: [5, 6, 7] }, [2, 0], { cols: 2, scale: 1 });
    const pngs = dataUrls(html).map(decode);
    assert.equal(pngs.length, 2);
    assert.equal(grey(pngs[0], 2, 2), 202, 'first figure is image 2');
    assert.match(html, /<figcaption[^>]*>7<\/figcaption>.*<figcaption[^>]*>5<\/figcaption>/s);
    assert.match(html, /grid-template-columns:repeat\(2, max-content\)/);
    const captioned = imageGridHtml(dots(1), [0], { captions: ['a <b>'] });
    assert.match(captioned, />a &lt;b&gt;<\/figcaption>/);
  });

  it('shows originals above their augmented copies', () => {
    const originals = dots(3);
    const augmented = new Float32Array(3 * 784).fill(1);
    const html = augmentationComparisonHtml(originals, augmented, { indices: [1, 2], scale: 1 });
    const rows = html.split(/<tr[\s>]/).slice(1);
    assert.equal(rows.length, 2);
    assert.match(rows[0], /original/);
    const top = dataUrls(rows[0]).map(decode);
    const bottom = dataUrls(rows[1]).map(decode);
    assert.equal(top.length, 2);
    assert.equal(grey(top[0], 1, 1), 201);
    assert.equal(grey(bottom[0], 0, 0), 255);
    assert.throws(() => augmentationComparisonHtml(dots(2), dots(1)), /2 originals but 1 augmented/);
  });

  it('captions mistakes with truth, prediction and confidence, most confident first', () => {
    const mistakes = [
      { index: 0, true: 4, predicted: 9, confidence: 0.6 },
      { index: 2, trueLabel: 7, predicted: 1, confidence: 0.97 },
      { index: 1, true: 3, predicted: 5, confidence: 0.8 },
    ];
    const html = mistakesGalleryHtml(dots(3), mistakes, { limit: 2 });
    const captions = [...html.matchAll(/<figcaption[^>]*>(.*?)<\/figcaption>/g)].map((m) => m[1]);
    assert.deepEqual(captions, ['true 7 → 1 (97.0%)', 'true 3 → 5 (80.0%)']);
    assert.equal(grey(decode(dataUrls(html)[0]), 4, 4), 202, 'first picture is image 2');
    assert.match(html, /Mistakes \(2 of 3, most confident first\)/);
    assert.match(mistakesGalleryHtml(dots(1), []), /none/);
    assert.throws(() => mistakesGalleryHtml(dots(1), [{ index: 0, predicted: 1, confidence: 1 }]), /no true label/);
  });

  it('colours mistake captions legibly: at least 4.5:1 against the page (WCAG AA), light and dark', () => {
    const html = mistakesGalleryHtml(dots(2), [{ index: 0, true: 4, predicted: 9, confidence: 0.6 }]);
    const colours = [...html.matchAll(/<figcaption[^>]*style="[^"]*color:\s*(var\([^)]*\))/g)].map((m) => m[1]);
    assert.deepEqual(colours, [VIZ_CSS.highlightText], 'the caption has the highlight text colour');
    const hosts = { fallback: {}, 'Lab light': JUPYTERLAB_THEMES.light, 'Lab dark': JUPYTERLAB_THEMES.dark };
    for (const [host, vars] of Object.entries(hosts)) {
      const ratio = cssContrast(colours[0], VIZ_CSS.background, vars);
      assert.ok(ratio >= 4.5, `${host}: ${colours[0]} on the page is ${ratio.toFixed(2)}:1`);
    }
  });
});
