/** One-pixel shifts of a prepared digit (the views of test-time augmentation). */
import { strict as assert } from 'assert';
import { shiftedPicture, SHIFTS } from '../../lib/imaging/shifts';

describe('shifted pictures', () => {
  const size = 4;
  const picture = Float32Array.from({ length: size * size }, (_, i) => i + 1);

  it('moves every pixel right and down, leaving 0 where nothing moved in', () => {
    const out = shiftedPicture(picture, size, 1, -1);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const fromX = x - 1;
        const fromY = y + 1;
        const expected = fromX >= 0 && fromY < size ? picture[fromY * size + fromX] : 0;
        assert.equal(out[y * size + x], expected, `pixel (${x}, ${y})`);
      }
    }
  });

  it('starts with the picture itself and then moves one pixel each way', () => {
    assert.deepEqual(shiftedPicture(picture, size, 0, 0), picture);
    assert.equal(SHIFTS.length, 5);
    assert.deepEqual(SHIFTS[0], [0, 0]);
    assert.ok(SHIFTS.slice(1).every(([r, d]) => Math.abs(r) + Math.abs(d) === 1));
  });

  it('refuses a picture of the wrong size, naming what it got', () => {
    assert.throws(() => shiftedPicture(new Float32Array(10), size, 1, 0), /10 values is not a 4x4 picture/);
  });
});
