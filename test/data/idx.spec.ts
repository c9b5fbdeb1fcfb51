import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import {
  IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, IdxFormatError, encodeIdx, isGzipBytes, parseIdx, readIdx, writeIdx,
} from '../../lib/data/idx';
import { patternBytes, removeTempDirs, tempDir } from './helpers';

/** Asserts that `fn` throws an IdxFormatError whose message names `file` and matches `problem`. */
function assertIdxError(fn: () => unknown, file: string, problem: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof IdxFormatError, `expected IdxFormatError, got ${String(err)}`);
    assert.ok(err.message.startsWith(`${file}: `), `message should name the file: ${err.message}`);
    assert.match(err.problem, problem);
    assert.ok(!err.message.includes('\n'), 'one-line message');
    return true;
  });
}

describe('data/idx', () => {
  after(removeTempDirs);

  const images = patternBytes(5 * 28 * 28, 3);
  const labels = Uint8Array.from([3, 1, 4, 1, 5]);

  it('writes the standard magic numbers and big-endian dimensions', () => {
    const img = encodeIdx(images, [5, 28, 28]);
    assert.equal(img.readUInt32BE(0), IDX_IMAGES_MAGIC);
    assert.deepEqual([img.readUInt32BE(4), img.readUInt32BE(8), img.readUInt32BE(12)], [5, 28, 28]);
    assert.equal(img.length, 16 + images.length);
    const lab = encodeIdx(labels, [5]);
    assert.equal(lab.readUInt32BE(0), IDX_LABELS_MAGIC);
    assert.equal(lab.length, 8 + 5);
  });

  it('round-trips raw and gzip files through writeIdx/readIdx', () => {
    const dir = tempDir();
    for (const name of ['imgs-idx3-ubyte', 'imgs-idx3-ubyte.gz']) {
      const file = path.join(dir, name);
      writeIdx(file, images, [5, 28, 28]);
      assert.equal(isGzipBytes(fs.readFileSync(file)), name.endsWith('.gz'));
      const back = readIdx(file, { kind: 'images', count: 5, rows: 28, cols: 28 });
      assert.deepEqual(back.dims, [5, 28, 28]);
      assert.deepEqual(Buffer.from(back.data), Buffer.from(images));
    }
    const lfile = path.join(dir, 'labels.gz');
    writeIdx(lfile, labels, [5]);
    assert.deepEqual([...readIdx(lfile, { kind: 'labels', count: 5, classes: 10 }).data], [...labels]);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['imgs-idx3-ubyte', 'imgs-idx3-ubyte.gz', 'labels.gz'], 'no temp files left');
  });

  it('rejects data whose length does not match the dimensions when encoding', () => {
    assert.throws(() => encodeIdx(images, [4, 28, 28]), /need/);
    assert.throws(() => encodeIdx(images, [-1, 28, 28]), /uint32/);
  });

  it('reports truncated gzip', () => {
    const gz = zlib.gzipSync(encodeIdx(images, [5, 28, 28]));
    assertIdxError(() => parseIdx(gz.subarray(0, Math.floor(gz.length / 2)), 'cut.gz'), 'cut.gz', /truncated gzip/);
  });

  it('reports corrupt gzip', () => {
    const gz = Buffer.from(zlib.gzipSync(encodeIdx(images, [5, 28, 28])));
    gz.fill(0xff, 10, 40);
    assertIdxError(() => parseIdx(gz, 'bad.gz'), 'bad.gz', /corrupt gzip|truncated gzip/);
  });

  it('reports a file that is not IDX at all', () => {
    assertIdxError(() => parseIdx(Buffer.from('<html>not found</html>'), 'page.gz'), 'page.gz', /not an IDX file \(wrong magic number 0x3c68746d\)/);
    assertIdxError(() => parseIdx(Buffer.from([0, 0]), 'tiny'), 'tiny', /too short/);
  });

  it('reports wrong magic for the expected kind and unsupported element types', () => {
    const img = encodeIdx(images, [5, 28, 28]);
    assertIdxError(() => parseIdx(img, 'x-labels', { kind: 'labels' }), 'x-labels', /wrong magic number 0x00000803 \(expected 0x00000801/);
    const floats = Buffer.from(img);
    floats[2] = 0x0d;
    assertIdxError(() => parseIdx(floats, 'f'), 'f', /unsupported IDX element type 0x0d/);
    const zeroDims = Buffer.from(img);
    zeroDims[3] = 0;
    assertIdxError(() => parseIdx(zeroDims, 'z'), 'z', /wrong magic number 0x00000800/);
  });

  it('reports truncated data and trailing bytes (wrong size)', () => {
    const img = encodeIdx(images, [5, 28, 28]);
    assertIdxError(() => parseIdx(img.subarray(0, img.length - 100), 'short'), 'short', /wrong size: header says 5x28x28 \(3936 bytes\) but the data is 3836 bytes \(truncated\)/);
    assertIdxError(() => parseIdx(Buffer.concat([img, Buffer.alloc(3)]), 'long'), 'long', /3 trailing bytes/);
    assertIdxError(() => parseIdx(img.subarray(0, 10), 'hdr'), 'hdr', /truncated header/);
  });

  it('reports wrong counts, image sizes and label ranges', () => {
    const img = encodeIdx(images, [5, 28, 28]);
    assertIdxError(() => parseIdx(img, 'n', { count: 6 }), 'n', /wrong count: holds 5 items, expected 6/);
    assertIdxError(() => parseIdx(encodeIdx(images, [5, 56, 14]), 's', { rows: 28, cols: 28 }), 's', /wrong image size 56x14, expected 28x28/);
    assertIdxError(() => parseIdx(encodeIdx(Uint8Array.from([1, 10]), [2]), 'l', { classes: 10 }), 'l', /label 10 at item 1 is outside 0..9/);
  });

  it('names the file when it cannot be read', () => {
    const missing = path.join(tempDir(), 'nope.gz');
    assertIdxError(() => readIdx(missing), missing, /cannot read/);
  });
});
