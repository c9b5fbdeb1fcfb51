import { strict as assert } from 'node:assert';
import { decodeImageBuffer } from '../../lib/imaging/node';
import { preprocessDigit } from '../../lib/imaging/preprocess';
import { PAD_CANVAS_SIZE, PAD_PEN_WIDTH } from '../../lib/drawpad/node';
import { digitImageToPng, rasterisePadStrokes } from './oracles';
import { DIGIT_STROKES } from './fixtures';

describe('drawpad/rasterise', function () {
  it('draws a dot as a disc of the pen width, black on white', function () {
    const img = rasterisePadStrokes([[[100, 100]]]);
    assert.equal(img.width, PAD_CANVAS_SIZE);
    assert.equal(img.height, PAD_CANVAS_SIZE);
    const at = (x: number, y: number) => img.gray[y * img.width + x];
    assert.equal(at(100, 100), 0);
    assert.equal(at(0, 0), 255);
    const r = PAD_PEN_WIDTH / 2;
    assert.equal(at(100 + r + 2, 100), 255, 'nothing beyond the pen radius');
    let ink = 0;
    for (const g of img.gray) ink += (255 - g) / 255;
    const area = Math.PI * r * r;
    assert.ok(Math.abs(ink - area) / area < 0.03, `ink area ${ink.toFixed(1)} vs pi r^2 ${area.toFixed(1)}`);
  });

  it('draws a segment with round caps along its whole length', function () {
    const img = rasterisePadStrokes([[[50, 60], [150, 60]]], { penWidth: 10 });
    const row = Array.from(img.gray.subarray(60 * img.width, 61 * img.width));
    const inked = row.map((g, x) => (g < 128 ? x : -1)).filter((x) => x >= 0);
    assert.equal(inked[0], 45);
    assert.equal(inked[inked.length - 1], 154);
    assert.equal(inked.length, 110, 'one run of ink from cap to cap');
    assert.equal(img.gray[70 * img.width + 100], 255, 'the pen is 10 pixels wide');
  });

  it('rejects malformed strokes, naming the stroke and point', function () {
    assert.throws(() => rasterisePadStrokes([[]]), /stroke 0 has no points/);
    assert.throws(() => rasterisePadStrokes([[[1, 2]], [[3, Number.NaN]]]), /stroke 1, point 0/);
    assert.throws(() => rasterisePadStrokes([[[1, 2]]], { size: 0 }), /invalid canvas size/);
  });

  it('writes a PNG that decodes to the same pixels', function () {
    const img = rasterisePadStrokes(DIGIT_STROKES[2].strokes);
    const decoded = decodeImageBuffer(digitImageToPng(img), 'seven.png');
    assert.equal(decoded.width, img.width);
    assert.deepEqual(Buffer.from(decoded.gray), Buffer.from(img.gray));
  });

  it('gives drawings that preprocess into centred MNIST-style inputs', function () {
    for (const { digit, strokes } of DIGIT_STROKES) {
      const { pixels, inverted } = preprocessDigit(rasterisePadStrokes(strokes));
      assert.equal(inverted, true, `${digit}: dark ink on white is inverted`);
      let mass = 0;
      let cx = 0;
      let cy = 0;
      pixels.forEach((v, i) => {
        mass += v;
        cx += v * ((i % 28) + 0.5);
        cy += v * (Math.floor(i / 28) + 0.5);
      });
      assert.ok(Math.abs(cx / mass - 14.5) < 1 && Math.abs(cy / mass - 14.5) < 1, `${digit}: centre of mass near the middle`);
    }
  });
});
