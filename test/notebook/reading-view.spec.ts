import { strict as assert } from 'assert';
import { readingStepsHtml } from '../../lib/notebook/reading-view';
import type { ReadDigit, ReadResult } from '../../lib/reading/read';

/** A digit read with `probability`, its box at x. */
function digit(d: number, x: number, probability: number): ReadDigit {
  return {
    digit: d, probability, runnerUp: { digit: (d + 1) % 10, probability: 1 - probability }, lowConfidence: probability < 0.7,
    box: [x, 10, 20, 30], probabilities: [], readBy: 'classifier', cutout: { width: 20, height: 30, gray: new Uint8Array(600).fill(230) }, input: new Float32Array(784),
  };
}

describe('notebook: a reading shown step by step', () => {
  const picture = { width: 120, height: 100, gray: new Uint8Array(12000).fill(220) };
  const reading: ReadResult = {
    text: '20\n4',
    lines: [{ text: '20', digits: [digit(2, 10, 0.99), digit(0, 40, 0.55)], box: [10, 10, 50, 30] }, { text: '4', digits: [{ ...digit(4, 10, 0.9), readBy: 'pair head' }], box: [10, 60, 20, 30] }],
    warnings: ['1 digit below 70% <check>'],
  };

  it('says what was read, boxes every digit on the picture, and shows each cut-out, input and answer', () => {
    const html = readingStepsHtml(picture, reading);
    assert.match(html, /Read: 20 \/ 4/);
    assert.equal(html.match(/<rect /g)?.length, 3, 'a box per digit');
    assert.equal(html.match(/<img /g)?.length, 1 + 3 * 2, 'the picture, then a cut-out and an input per digit');
    assert.match(html, /line 1: “20”[\s\S]*line 2: “4”/);
    assert.match(html, /<b style="font-size:16px">0<\/b> 55\.0%<br><span[^>]*>then 1 45\.0%<\/span><br><span[^>]*>low confidence<\/span>/);
    assert.equal(html.match(/low confidence/g)?.length, 1, 'only the uncertain digit is marked');
    assert.equal(html.match(/with the pair head/g)?.length, 1, 'the digit the pair head helped read says so');
    assert.match(html, /1 digit below 70% &lt;check&gt;/, 'warnings shown, escaped');
    assert.match(html, /<style class="digit-lab-theme">/, 'carries the theme style like every digit-lab output');
  });

  it('an empty reading says nothing was read', () => {
    const html = readingStepsHtml(picture, { text: '', lines: [], warnings: ['no writing found'] });
    assert.match(html, /Read: \(nothing\)/);
    assert.match(html, /no writing found/);
    assert.equal(html.match(/<rect /g), null);
  });
});
