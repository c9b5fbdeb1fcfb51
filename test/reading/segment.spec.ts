/** Cutting pieces of ink and choosing a line's reading: the pure parts, on drawn shapes. */
import { strict as assert } from 'assert';
import { pieceOf, type InkPiece } from '../../lib/reading/components';
import { candidateCuts } from '../../lib/reading/cuts';
import { judgeInput, JUDGE_HEIGHT, JUDGE_WIDTH } from '../../lib/reading/judge';
import { bestReading, layOutLine, type LineOption } from '../../lib/reading/segment';

const W = 60;
const H = 40;

/** A canvas with solid ink where `ink(x, y)` holds; its only piece. */
function draw(ink: (x: number, y: number) => boolean): { strength: Float32Array; piece: InkPiece } {
  const strength = new Float32Array(W * H);
  const pixels: number[] = [];
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      if (ink(x, y)) {
        strength[y * W + x] = 1;
        pixels.push(y * W + x);
      }
    }
  }
  return { strength, piece: pieceOf(pixels, strength, W) };
}

/** Where the gap between two bent bars runs: a chevron, which no straight line follows. */
const gapAt = (y: number) => 20 + Math.round(y < 20 ? (y - 6) / 2 : (34 - y) / 2);
/** Two bars 5 px wide, 28 high, bent alike and touching at one pixel in the middle. */
const chevrons = (x: number, y: number) => {
  if (y < 6 || y >= 34) return false;
  const b = gapAt(y);
  return (x >= b - 6 && x < b) || (x > b && x <= b + 5) || (y === 20 && x === b);
};

describe('reading: cuts and the choice of a reading', () => {
  it('cuts a piece along a seam that bends round the strokes, where no straight cut separates them', () => {
    const { strength, piece } = draw(chevrons);
    const leftBar = (p: number) => p % W <= gapAt(Math.floor(p / W));
    const cuts = candidateCuts(piece, 28, strength, W);
    const clean = cuts.filter((c) => c.left.pixels.every(leftBar) && c.right.pixels.filter(leftBar).length <= 1);
    assert.ok(clean.some((c) => c.crossings <= 1), `no cut follows the gap: ${cuts.map((c) => `${c.left.x},${c.left.width}x${c.left.height}|${c.crossings}`).join(' ')}`);
    // A straight line cannot: the bars bend by 7 px.
    const straight = (slope: number, c: number) => [...piece.pixels].some((p) => leftBar(p) !== (p % W < c + slope * (Math.floor(p / W) - 20)));
    for (const slope of [0, 0.3, -0.3]) for (let c = 10; c < 35; c++) assert.ok(straight(slope, c));
  });

  it('does not cut a piece much narrower than a digit is tall', () => {
    const { strength, piece } = draw((x, y) => y >= 6 && y < 34 && x >= 20 && x < 30 && (x < 22 || x >= 28 || y < 8 || y >= 32));
    assert.deepEqual(candidateCuts(piece, 28, strength, W), []);
  });

  it('follows the judge: a wide piece is cut when it says "two", kept whole when it says "one"', () => {
    const { strength, piece } = draw((x, y) => y >= 6 && y < 34 && ((x >= 4 && x < 8) || (x >= 22 && x < 26) || (y >= 18 && y < 20 && x >= 4 && x < 26)));
    const layout = layOutLine({ pieces: [piece], digitHeight: 28 }, strength, W);
    assert.ok(layout.options.some((o) => o.kind === 'split'));
    // Every candidate digit read equally surely: only the priors and the judge decide.
    const score = () => Math.log(0.99);
    const judge = (p: number) => (o: LineOption) => Math.log(o.kind === 'split' ? p : o.kind === 'whole' ? 1 - p : 1);
    const kinds = (p: number) => bestReading(layout, score, judge(p)).map((o: LineOption) => o.kind);
    assert.deepEqual(kinds(0.999), ['split']);
    assert.deepEqual(kinds(0.001), ['whole']);
  });

  it('reads two pieces one above the other, sharing most of their width, as one digit (a broken 3)', () => {
    const top = draw((x, y) => y >= 6 && y < 18 && x >= 20 && x < 34).piece;
    const bottom = draw((x, y) => y >= 20 && y < 34 && x >= 21 && x < 35).piece;
    const strength = new Float32Array(W * H);
    for (const p of [...top.pixels, ...bottom.pixels]) strength[p] = 1;
    const layout = layOutLine({ pieces: [top, bottom], digitHeight: 14 }, strength, W, { mayCut: () => false });
    const merge = layout.options.find((o) => o.kind === 'merge');
    assert.ok(merge && merge.prior > 0, `merge prior ${merge?.prior}`);
    // Equally sure of each half and of the whole, the whole wins.
    const reading = bestReading(layout, () => Math.log(0.9));
    assert.deepEqual(reading.map((o) => o.kind), ['merge']);
    // Side by side (neighbours a little apart), the same pieces merge only at a cost.
    const right = draw((x, y) => y >= 6 && y < 34 && x >= 40 && x < 52).piece;
    const left = draw((x, y) => y >= 6 && y < 34 && x >= 24 && x < 38).piece;
    const apart = layOutLine({ pieces: [left, right], digitHeight: 28 }, strength, W, { mayCut: () => false });
    assert.ok((apart.options.find((o) => o.kind === 'merge')?.prior ?? -1) < 0);
  });

  it('shows the judge a piece at a fixed height, its width kept', () => {
    const narrow = draw((x, y) => y >= 6 && y < 34 && x >= 10 && x < 20);
    const wide = draw((x, y) => y >= 6 && y < 34 && x >= 5 && x < 45);
    const extent = (v: Float32Array) => {
      const rows = new Set<number>();
      const cols = new Set<number>();
      v.forEach((s, i) => {
        if (s > 0.5) {
          rows.add(Math.floor(i / JUDGE_WIDTH));
          cols.add(i % JUDGE_WIDTH);
        }
      });
      return [rows.size, cols.size];
    };
    const a = judgeInput(narrow.piece, narrow.strength, W);
    const b = judgeInput(wide.piece, wide.strength, W);
    assert.equal(a.length, JUDGE_HEIGHT * JUDGE_WIDTH);
    assert.deepEqual(extent(a), [22, 8]);
    assert.deepEqual(extent(b), [22, 32]);
  });
});
