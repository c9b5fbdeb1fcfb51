import { strict as assert } from 'assert';
import { BRIDGE_LEVEL, bridgedPieces, inkPieces } from '../../lib/reading/components';

describe('reading: ink pieces held together by faint ink', () => {
  // One row on the ink-bright scale, paper at 20 and the threshold at 120: two strokes (200) with
  // something between them.
  const levels = { paper: 20, threshold: 120 };
  const level = 20 + BRIDGE_LEVEL * (120 - 20);
  const strokes = (between: number) => {
    const ink = [20, 200, 200, between, between, 200, 200, 20];
    return { ink, strength: Float32Array.from(ink, (v) => (v > 120 ? 1 : 0)) };
  };

  it('faint ink between the bridge level and the threshold makes two strokes one piece, of the strokes only', () => {
    const { ink, strength } = strokes(level + 10);
    assert.equal(inkPieces(strength, 8, 1).length, 2);
    const pieces = bridgedPieces(strength, ink, levels, 8, 1);
    assert.equal(pieces.length, 1);
    assert.deepEqual(pieces[0].pixels.sort((a, b) => a - b), [1, 2, 5, 6]);
    assert.deepEqual([pieces[0].x, pieces[0].width, pieces[0].mass], [1, 6, 4]);
  });

  it('a fringe fainter than the bridge level does not join them', () => {
    const { ink, strength } = strokes(level - 10);
    assert.deepEqual(bridgedPieces(strength, ink, levels, 8, 1).map((p) => p.pixels), [[1, 2], [5, 6]]);
  });

  it('faint ink with no stroke in it is no piece', () => {
    const ink = [200, 200, 20, level + 20, level + 20, 20];
    const strength = Float32Array.from(ink, (v) => (v > 120 ? 1 : 0));
    assert.deepEqual(bridgedPieces(strength, ink, levels, 6, 1).map((p) => p.pixels), [[0, 1]]);
  });
});
