/**
 * The figures are only plain objects here; this spec checks plotly.js itself accepts and draws
 * them (in Debian's headless Chromium, offline) and that their SVG fallbacks lay out in a page.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Browser } from 'playwright-core';
import {
  classDistributionFigure,
  confusionMatrixFigure,
  perClassBarsFigure,
  probabilityBarsFigure,
  trainingCurvesFigure,
} from '../../lib/notebook/figures';
import { figureFallbackHtml } from '../../lib/notebook/svg';
import { chromiumUnavailable, launchChromium } from '../helpers/chromium';
import { skipIf } from '../helpers/skip';

function sampleFigures() {
  const labels = Array.from({ length: 500 }, (_, i) => (i * 7) % 10);
  const matrix = Array.from({ length: 10 }, (_, i) => Array.from({ length: 10 }, (_, j) => (i === j ? 95 : (i + j) % 9 === 0 ? 2 : 0)));
  return {
    distribution: classDistributionFigure({ train: labels, test: labels.slice(0, 100) }),
    curves: trainingCurvesFigure([
      { loss: 0.4, acc: 0.88, valLoss: 0.2, valAcc: 0.94 },
      { loss: 0.1, acc: 0.97, valLoss: 0.08, valAcc: 0.975 },
      { loss: 0.06, acc: 0.98, valLoss: 0.05, valAcc: 0.985 },
    ], { testAccuracy: 0.99 }),
    confusion: confusionMatrixFigure(matrix),
    perClass: perClassBarsFigure(Array.from({ length: 10 }, (_, i) => ({ precision: 0.97 + i / 400, recall: 0.98, f1: 0.975 }))),
    probabilities: probabilityBarsFigure([0.01, 0.02, 0.9, 0.07, 0, 0, 0, 0, 0, 0], { trueLabel: 3 }),
  };
}

describe('notebook: figures drawn by plotly.js and as SVG in Chromium @slow', function () {
  this.timeout(60_000);
  let browser: Browser | undefined;
  let dir: string | undefined;

  before(async function () {
    skipIf(this, chromiumUnavailable());
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('plotly.js draws every figure without errors, with the expected traces', async () => {
    const figures = sampleFigures();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'viz-plotly-'));
    const plotly = require.resolve('plotly.js-dist-min');
    const divs = Object.keys(figures).map((k) => `<div id="${k}"></div>`).join('');
    const script = `const figs = ${JSON.stringify(figures)};
      window.drawn = Promise.all(Object.entries(figs).map(([id, f]) => Plotly.newPlot(id, f.data, f.layout, f.config)));`;
    const file = path.join(dir, 'figures.html');
    fs.writeFileSync(file, `<!doctype html><html><body>${divs}<script src="${plotly}"></script><script>${script}</script></body></html>`);

    const page = await browser!.newPage();
    const errors: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`file://${file}`);
    await page.evaluate(() => (window as unknown as { drawn: Promise<unknown> }).drawn);

    const counts = await page.evaluate(() => ({
      bars: document.querySelectorAll('#distribution .bars .point').length,
      curves: document.querySelectorAll('#curves .scatterlayer .trace').length,
      heatmap: document.querySelectorAll('#confusion .heatmaplayer image, #confusion .hm image').length,
      annotations: document.querySelectorAll('#confusion .annotation').length,
      perClass: document.querySelectorAll('#perClass .bars .point').length,
      probText: Array.from(document.querySelectorAll('#probabilities .bartext')).map((e) => e.textContent),
      xTitle: document.querySelector('#curves .g-xtitle')?.textContent,
    }));
    assert.deepEqual(errors, []);
    assert.equal(counts.bars, 20, 'two sets of ten bars');
    assert.equal(counts.curves, 5, 'loss and accuracy, training and validation, and the test-accuracy line');
    assert.equal(counts.heatmap, 1);
    assert.equal(counts.annotations, 100);
    assert.equal(counts.perClass, 30);
    assert.deepEqual(counts.probText.filter(Boolean), ['1.0%', '2.0%', '90.0%', '7.0%']);
    assert.equal(counts.xTitle, 'epoch');
  });

  it('the SVG fallbacks decode as images of their declared size', async () => {
    const figures = Object.values(sampleFigures());
    const page = await browser!.newPage();
    await page.setContent(`<html><body>${figures.map(figureFallbackHtml).join('')}</body></html>`);
    const sizes = await page.evaluate(() => Array.from(document.querySelectorAll('img')).map((i) => [i.naturalWidth, i.naturalHeight]));
    assert.deepEqual(sizes, figures.map((f) => [f.layout.width ?? 720, f.layout.height]));
  });
});
