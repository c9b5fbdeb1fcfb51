import { strict as assert } from 'assert';
import { classDistributionFigure, confusionMatrixFigure, perClassBarsFigure, trainingCurvesFigure } from '../../lib/notebook/figures';
import { figureFallbackHtml, figureSvg, svgImgTag } from '../../lib/notebook/svg';
import { niceTicks } from '../../lib/notebook/svg-scale';

function count(svg: string, re: RegExp): number {
  return (svg.match(re) ?? []).length;
}

function bars(svg: string): { x: number; y: number; w: number; h: number; fill: string }[] {
  return [...svg.matchAll(/<rect x="([\d.-]+)" y="([\d.-]+)" width="([\d.]+)" height="([\d.]+)" fill="(#[0-9a-f]{6})"\/>/gi)].map((m) => ({
    x: Number(m[1]),
    y: Number(m[2]),
    w: Number(m[3]),
    h: Number(m[4]),
    fill: m[5].toLowerCase(),
  }));
}

describe('notebook: svg fallback', () => {
  it('picks round tick steps covering the range', () => {
    const t = niceTicks(0, 6742, 5);
    assert.equal(t.step, 2000);
    assert.deepEqual(t.ticks, [0, 2000, 4000, 6000, 8000]);
    const f = niceTicks(0.021, 0.47);
    assert.ok(f.lo <= 0.021 && f.hi >= 0.47);
    assert.ok([0.05, 0.1].includes(Number(f.step.toFixed(10))), `step ${f.step}`);
    const flat = niceTicks(5, 5);
    assert.ok(flat.lo < 5 && flat.hi > 5, 'a flat series still gets a range');
  });

  it('draws one bar per class with heights proportional to the counts', () => {
    const svg = figureSvg(classDistributionFigure([0, 1, 1, 2, 2, 2, 2]));
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(svg, /<title>Examples per class<\/title>/);
    const rects = bars(svg).filter((r) => r.fill === '#0072b2');
    assert.equal(rects.length, 10, 'ten bars (zeros are drawn flat)');
    const [b0, b1, b2] = rects;
    assert.ok(Math.abs(b1.h / b0.h - 2) < 0.02, `bar 1 twice bar 0: ${b1.h} vs ${b0.h}`);
    assert.ok(Math.abs(b2.h / b0.h - 4) < 0.04);
    assert.ok(b0.x < b1.x && b1.x < b2.x, 'classes left to right');
    assert.equal(rects[5].h, 0);
  });

  it('groups bars of several series side by side and draws a legend', () => {
    const svg = figureSvg(classDistributionFigure({ train: [0, 1], test: [0, 1] }));
    const isBar = (r: { w: number }) => r.w > 15 && r.w < 50; // not the background, not a legend swatch
    const train = bars(svg).filter((r) => r.fill === '#0072b2' && isBar(r));
    const test = bars(svg).filter((r) => r.fill === '#e69f00' && isBar(r));
    assert.equal(test.length, 10, 'ten test bars');
    assert.ok(test[0].x > train[0].x, 'test bar right of the train bar');
    assert.match(svg, />train \(2\)</);
    assert.match(svg, />test \(2\)</);
  });

  it('draws lines with markers, a dashed test line, and both panels\' axis titles', () => {
    const svg = figureSvg(trainingCurvesFigure([
      { loss: 0.5, acc: 0.9, valLoss: 0.6, valAcc: 0.88 },
      { loss: 0.2, acc: 0.97, valLoss: 0.3, valAcc: 0.95 },
    ], { testAccuracy: 0.96 }));
    assert.equal(count(svg, /<polyline /g), 5, 'four curves and the test line');
    assert.equal(count(svg, /stroke-dasharray="6 4"/g), 2, 'dashed test line and its legend swatch');
    assert.equal(count(svg, /<circle /g), 8);
    for (const title of ['loss', 'accuracy (%)', 'epoch']) assert.match(svg, new RegExp(`>${title.replace(/[()]/g, '\\$&')}</`));
    assert.match(svg, />test accuracy 96\.00%</);
  });

  it('draws a heatmap cell and an annotation for every matrix entry', () => {
    const m = Array.from({ length: 10 }, (_, i) => Array.from({ length: 10 }, (_, j) => (i === j ? 100 + i : i + j === 9 ? 3 : 0)));
    const svg = figureSvg(confusionMatrixFigure(m));
    const cells = bars(svg).filter((r) => r.w > 10 && r.w < 60 && Math.abs(r.w - r.h) < 1);
    assert.equal(cells.length, 100);
    assert.match(svg, />109</);
    assert.equal(count(svg, />3</g), 10 + 2, 'each anti-diagonal count, plus the two axes\' tick "3"');
    // Row 0 is at the top (autorange reversed): the "100" annotation is above the "109" one.
    const y100 = Number(/<text x="[\d.]+" y="([\d.]+)"[^>]*>100</.exec(svg)![1]);
    const y109 = Number(/<text x="[\d.]+" y="([\d.]+)"[^>]*>109</.exec(svg)![1]);
    assert.ok(y100 < y109);
  });

  it('clips bars to a zoomed axis and escapes text', () => {
    const fig = perClassBarsFigure({ a: [0.95, 0.99] }, { classNames: ['<0>', '1'], title: 'A & B' });
    const svg = figureSvg(fig);
    assert.match(svg, />A &amp; B</);
    assert.match(svg, />&lt;0&gt;</);
    assert.doesNotMatch(svg, /<0>/);
    const [b0] = bars(svg).filter((r) => r.fill === '#0072b2' && r.w < 300);
    const height = fig.layout.height!;
    assert.ok(b0.y + b0.h <= height - 52 + 0.5, 'bar stops at the plot bottom');
  });

  it('wraps the SVG as a data-URL image (survives notebook sanitizers) in a script-free fallback', () => {
    const fig = classDistributionFigure([1]);
    const html = figureFallbackHtml(fig);
    const m = /^<div class="digit-lab-figure"><img src="data:image\/svg\+xml;base64,([^"]+)" alt="Examples per class" width="720" style="[^"]*"><\/div>$/.exec(html);
    assert.ok(m, html.slice(0, 200));
    assert.equal(Buffer.from(m[1], 'base64').toString('utf8'), figureSvg(fig));
    assert.doesNotMatch(html, /<script/i);
    assert.match(svgImgTag('<svg height="3"></svg>', 'a "b"'), /alt="a &quot;b&quot;" style=/, 'no width when the SVG has none');
  });
});
