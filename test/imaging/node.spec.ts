import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { PNG } from 'pngjs';
import * as jpeg from 'jpeg-js';
import { drawDigitRgba } from './draw';
import { SAMPLE_SPECS } from '../fixtures/make-samples';
import {
  decodeImageBuffer,
  decodeImageFile,
  preprocessImageFile,
  sniffImageFormat,
} from '../../lib/imaging/node';
import { digitsToTensor } from '../../lib/model/batches';

const SAMPLES_DIR = path.resolve(__dirname, '..', '..', 'data', 'samples');
const MNIST_DIR = path.resolve(__dirname, '..', '..', '..', 'shared', 'mnist');

function pngBytes(rgba: Uint8Array, width: number, height: number): Buffer {
  const png = new PNG({ width, height });
  png.data = Buffer.from(rgba);
  return PNG.sync.write(png);
}

/** A PNG signature and IHDR claiming the given size, with no pixel data. */
function pngHeaderOnly(width: number, height: number): Buffer {
  const header = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(header, 0);
  header.writeUInt32BE(13, 8);
  header.write('IHDR', 12, 'latin1');
  header.writeUInt32BE(width, 16);
  header.writeUInt32BE(height, 20);
  header.set([8, 6, 0, 0, 0], 24);
  return header;
}

describe('imaging/node: decoding digit pictures from PNG and JPEG files', () => {
  let dir = '';
  const drawOptions = {
    width: 120, height: 160, digit: '7', frame: { x: 20, y: 30, width: 60, height: 90 }, thickness: 10, seed: 1,
  };
  const rgba = drawDigitRgba(drawOptions);

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'digit-lab-image-'));
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function write(name: string, bytes: Buffer | string): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, bytes);
    return file;
  }

  it('decodes a PNG and a JPEG of the same picture to about the same gray image', async () => {
    const png = await decodeImageFile(write('seven.png', pngBytes(rgba, 120, 160)));
    const jpg = await decodeImageFile(write('seven.jpg', jpeg.encode({ data: rgba, width: 120, height: 160 }, 90).data));
    for (const img of [png, jpg]) {
      assert.equal(img.width, 120);
      assert.equal(img.height, 160);
      assert.equal(img.gray.length, 120 * 160);
    }
    // Exact luma for the PNG: the paper (236, 234, 228) is 233.7 -> 234.
    assert.equal(png.gray[0], 234);
    let diff = 0;
    png.gray.forEach((v, i) => (diff += Math.abs(v - jpg.gray[i])));
    assert.ok(diff / png.gray.length < 4, `mean JPEG/PNG difference ${diff / png.gray.length}`);
    assert.equal(sniffImageFormat(fs.readFileSync(path.join(dir, 'seven.jpg'))), 'jpeg');
  });

  it('composites transparent pixels over white and reads gray and RGB PNGs', () => {
    const transparent = new Uint8Array(4 * 4 * 4); // all (0, 0, 0, 0)
    assert.ok(decodeImageBuffer(pngBytes(transparent, 4, 4), 'clear.png').gray.every((v) => v === 255));
    const png = new PNG({ width: 2, height: 1 });
    png.data = Buffer.from([10, 10, 10, 255, 200, 200, 200, 255]);
    for (const colorType of [0, 2] as const) {
      const bytes = PNG.sync.write(png, { colorType, inputColorType: 6 });
      assert.deepEqual(Array.from(decodeImageBuffer(bytes, 'small.png').gray), [10, 200], `colorType ${colorType}`);
    }
  });

  it('preprocessImageFile returns the 28x28 digit and its source', async () => {
    const result = await preprocessImageFile(path.join(dir, 'seven.png'));
    assert.equal(result.pixels.length, 784);
    assert.equal(result.inverted, true);
    assert.equal(result.source.width, 120);
    const tensor = digitsToTensor([result, result]);
    assert.deepEqual(tensor.shape, [2, 28, 28, 1]);
    assert.equal(tensor.dataSync()[14 * 28 + 14], result.pixels[14 * 28 + 14]);
    tensor.dispose();
  });

  describe('bad files get an error that names the file', () => {
    const cases: Array<[string, () => Buffer | string, RegExp]> = [
      ['empty.png', () => Buffer.alloc(0), /empty file/],
      ['notes.png', () => 'these are not pixels\n', /not a PNG or JPEG image \(file starts with "these ar"\)/],
      ['random.jpg', () => Buffer.from([0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08]), /not a PNG or JPEG image \(file starts with 00 01 02/],
      ['truncated.png', () => pngBytes(rgba, 120, 160).subarray(0, 200), /unreadable PNG/],
      ['header.png', () => pngBytes(rgba, 120, 160).subarray(0, 20), /unreadable PNG: the header is damaged or cut short/],
      ['truncated.jpg', () => jpeg.encode({ data: rgba, width: 120, height: 160 }, 90).data.subarray(0, 300), /unreadable JPEG/],
      ['huge.png', () => pngHeaderOnly(10000, 8000), /image too large: 10000x8000 = 80\.0 megapixels, the limit is 50\.0/],
    ];
    for (const [name, bytes, message] of cases) {
      it(name, async () => {
        const file = write(name, bytes());
        await assert.rejects(decodeImageFile(file), (err: Error) => {
          assert.ok(err.message.startsWith(`${file}: `), `message does not start with the file name: ${err.message}`);
          assert.match(err.message, message);
          return true;
        });
      });
    }

    it('missing file and directory', async () => {
      const missing = path.join(dir, 'nope.png');
      await assert.rejects(decodeImageFile(missing), new RegExp(`^Error: ${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot read image: no such file`));
      await assert.rejects(decodeImageFile(dir), /is a directory/);
    });

    it('a blank page', async () => {
      const blank = write('blank.png', pngBytes(new Uint8Array(50 * 40 * 4).fill(240), 50, 40));
      await assert.rejects(preprocessImageFile(blank), (err: Error) => {
        assert.match(err.message, /blank\.png: blank image: no ink found/);
        return true;
      });
    });
  });

  describe('the sample pictures in data/samples', () => {
    for (const spec of SAMPLE_SPECS) {
      it(`${spec.file}: a ${spec.label}, polarity detected, centred`, async function () {
        const file = path.join(SAMPLES_DIR, spec.file);
        if (!fs.existsSync(file)) {
          console.log(`      skipped: ${file} is missing (run npx tsx test/fixtures/make-samples.ts)`);
          this.skip();
        }
        assert.ok(fs.statSync(file).size < 60_000, `${spec.file} is over 60 KB`);
        const result = await preprocessImageFile(file);
        assert.equal(result.inverted, spec.inkIsDark);
        let total = 0;
        let r = 0;
        let c = 0;
        result.pixels.forEach((v, i) => {
          total += v;
          r += v * Math.floor(i / 28);
          c += v * (i % 28);
        });
        assert.ok(Math.abs(r / total - 14) <= 0.5 && Math.abs(c / total - 14) <= 0.5);
        // The ink box lies inside the frame the generator drew into (plus the pen).
        const { frame, thickness } = spec.draw;
        const pad = thickness + 0.3 * frame.width;
        assert.ok(result.box.x >= frame.x - pad && result.box.x + result.box.width <= frame.x + frame.width + pad, JSON.stringify(result.box));
        assert.ok(result.box.y >= frame.y - pad && result.box.y + result.box.height <= frame.y + frame.height + pad, JSON.stringify(result.box));
      });
    }

    it('each sample, prepared, looks like MNIST digits of its label (5 nearest of 20,000)', async function () {
      const imagesFile = path.join(MNIST_DIR, 'train-images-idx3-ubyte.gz');
      const labelsFile = path.join(MNIST_DIR, 'train-labels-idx1-ubyte.gz');
      if (!fs.existsSync(imagesFile) || !fs.existsSync(labelsFile)) {
        console.log(`      skipped: MNIST is not at ${MNIST_DIR}`);
        this.skip();
      }
      if (!SAMPLE_SPECS.every((spec) => fs.existsSync(path.join(SAMPLES_DIR, spec.file)))) {
        console.log(`      skipped: sample pictures missing in ${SAMPLES_DIR}`);
        this.skip();
      }
      const images = zlib.gunzipSync(fs.readFileSync(imagesFile));
      const labels = zlib.gunzipSync(fs.readFileSync(labelsFile));
      const count = 20000;
      for (const spec of SAMPLE_SPECS) {
        const { pixels } = await preprocessImageFile(path.join(SAMPLES_DIR, spec.file));
        const nearest: Array<[number, number]> = [];
        for (let i = 0; i < count; i++) {
          let d = 0;
          const offset = 16 + i * 784;
          for (let k = 0; k < 784; k++) {
            const t = images[offset + k] / 255 - pixels[k];
            d += t * t;
          }
          nearest.push([d, labels[8 + i]]);
          if (nearest.length > 64) {
            nearest.sort((a, b) => a[0] - b[0]);
            nearest.length = 5;
          }
        }
        nearest.sort((a, b) => a[0] - b[0]);
        const votes = nearest.slice(0, 5).filter(([, label]) => label === spec.label).length;
        assert.ok(votes >= 3, `${spec.file}: nearest MNIST labels ${nearest.slice(0, 5).map(([, l]) => l)}`);
      }
    });
  });
});
