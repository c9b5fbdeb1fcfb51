import { strict as assert } from 'assert';
import { PNG } from 'pngjs';
import { predictionCardHtml } from '../../lib/notebook/prediction';

function pngs(html: string): PNG[] {
  return [...html.matchAll(/src="data:image\/png;base64,([^"]+)"/g)].map((m) => PNG.sync.read(Buffer.from(m[1], 'base64')));
}

describe('notebook: prediction card', () => {
  const pixels = new Float32Array(784);
  pixels[14 * 28 + 14] = 1;
  const probabilities = [0.01, 0.01, 0.01, 0.9, 0.01, 0.02, 0.01, 0.01, 0.01, 0.01];

  it('shows the original, the 28x28 input and the probability bars in one block', () => {
    const gray = new Uint8Array(40 * 30).fill(230);
    gray[0] = 10;
    const html = predictionCardHtml({ title: 'seven<1>.png', source: { width: 40, height: 30, gray }, pixels, probabilities, trueLabel: 3 });
    const [original, input] = pngs(html);
    assert.equal(original.width, 40);
    assert.equal(original.height, 30);
    assert.equal(original.data[0], 10, 'original shown as it is (dark ink stays dark)');
    assert.equal(input.width, 140, 'model input magnified 5x');
    assert.equal(input.data[((14 * 5) * 140 + 14 * 5) * 4], 255);
    assert.match(html, /original 40×30/);
    const svg = [...html.matchAll(/src="data:image\/svg\+xml;base64,([^"]+)"/g)].map((m) => Buffer.from(m[1], 'base64').toString('utf8'));
    assert.equal(svg.length, 1);
    assert.match(svg[0], /^<svg[^>]*>.*Prediction: 3 \(90\.0%\)/s);
    assert.match(html, />seven&lt;1&gt;\.png</);
  });

  it('works without the original and rejects a source whose size does not match', () => {
    assert.equal(pngs(predictionCardHtml({ pixels, probabilities })).length, 1);
    assert.throws(() => predictionCardHtml({ source: { width: 3, height: 3, gray: new Uint8Array(8) }, pixels, probabilities }), /3x3 but has 8 pixels/);
  });
});
