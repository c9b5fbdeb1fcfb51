import { strict as assert } from 'assert';
import { deskewPicture, MAX_SLANT, measureSlant } from '../../lib/imaging/deskew';

const W = 28;

/** A one-pixel-wide stroke from row `top` to row `bottom` at column `start + slope * (row - top)` (whole columns only). */
function stroke(top: number, bottom: number, start: number, slope: number): Float32Array {
  const pixels = new Float32Array(W * W);
  for (let y = top; y <= bottom; y++) pixels[y * W + start + slope * (y - top)] = 1;
  return pixels;
}

/** The ink-weighted mean column of each inked row. */
function rowCentres(pixels: Float32Array, width = W, height = W): number[] {
  const centres: number[] = [];
  for (let y = 0; y < height; y++) {
    let ink = 0, sum = 0;
    for (let x = 0; x < width; x++) { ink += pixels[y * width + x]; sum += pixels[y * width + x] * x; }
    if (ink > 0) centres.push(sum / ink);
  }
  return centres;
}

describe('deskewing (reference)', () => {
  it('measures the slant of a stroke leaning right as negative columns per row, about its centre row', () => {
    // Rows 4..23, column 23 at the top down to column 4 at the bottom: the top leans right.
    const { slant, centreRow } = measureSlant(stroke(4, 23, 23, -1), W, W);
    assert.ok(Math.abs(slant + 1) < 1e-12, `slant ${slant}`);
    assert.ok(Math.abs(centreRow - 13.5) < 1e-12, `centre row ${centreRow}`);
    assert.ok(Math.abs(measureSlant(stroke(4, 23, 4, 1), W, W).slant - 1) < 1e-12, 'leaning left: +1');
  });

  it('stands a slanted stroke upright: every row ends up centred on the same column, the rows unmoved', () => {
    const slanted = stroke(4, 23, 23, -1);
    const upright = deskewPicture(slanted, W, W);
    const centres = rowCentres(upright);
    assert.equal(centres.length, 20, 'the same 20 inked rows');
    for (const c of centres) assert.ok(Math.abs(c - centres[0]) < 1e-6, `row centres ${centres.join(', ')}`);
    assert.ok(Math.abs(centres[0] - 13.5) < 1e-6, 'sheared about the centre of mass, so it stays where it was');
    assert.ok(Math.abs(measureSlant(upright, W, W).slant) < 1e-6, 'no slant left');
    const inkBefore = slanted.reduce((a, b) => a + b, 0);
    const inkAfter = upright.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(inkBefore - inkAfter) < 1e-5, 'interpolation keeps the ink');
  });

  it('leaves an upright stroke, a dot, a horizontal stroke and a blank picture as they are', () => {
    const dot = new Float32Array(W * W); dot[14 * W + 9] = 1;
    const flat = new Float32Array(W * W); for (let x = 5; x < 20; x++) flat[12 * W + x] = 1;
    for (const [name, pixels] of [['upright', stroke(4, 23, 14, 0)], ['dot', dot], ['horizontal', flat], ['blank', new Float32Array(W * W)]] as const) {
      assert.deepEqual(deskewPicture(pixels, W, W), pixels, name);
      assert.equal(measureSlant(pixels, W, W).slant, 0, name);
    }
  });

  it('corrects at most 45 degrees', () => {
    // Three columns per row: much flatter than any written digit's slant.
    assert.equal(measureSlant(stroke(10, 17, 3, 3), W, W).slant, MAX_SLANT);
    assert.equal(measureSlant(stroke(10, 17, 24, -3), W, W).slant, -MAX_SLANT);
  });

  it('works on pictures that are not square, and says which size does not fit', () => {
    const wide = new Float32Array(10 * 4);
    for (let y = 0; y < 4; y++) wide[y * 10 + 6 - y] = 1;
    assert.ok(Math.abs(measureSlant(wide, 10, 4).slant + 1) < 1e-12);
    for (const c of rowCentres(deskewPicture(wide, 10, 4), 10, 4)) assert.ok(Math.abs(c - 4.5) < 1e-9, `row centre ${c}`);
    assert.throws(() => deskewPicture(new Float32Array(783), W, W), /measureSlant: 783 values is not a 28x28 picture/);
  });
});

