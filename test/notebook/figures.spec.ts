import { strict as assert } from 'assert';
import {
  classDistributionFigure,
  confusionMatrixFigure,
  countLabels,
  perClassBarsFigure,
  probabilityBarsFigure,
  trainingCurvesFigure,
} from '../../lib/notebook/figures';
import type { PlotlyBarTrace, PlotlyHeatmapTrace, PlotlyScatterTrace } from '../../lib/notebook/figure-types';

describe('notebook: figures', () => {
  it('counts labels per class and rejects labels outside the classes', () => {
    assert.deepEqual(countLabels(new Uint8Array([0, 1, 1, 9]), 10), [1, 2, 0, 0, 0, 0, 0, 0, 0, 1]);
    assert.throws(() => countLabels([0, 10]), /label 10 at position 1 is not a class in 0\.\.9/);
    assert.throws(() => countLabels([1.5]), /label 1.5/);
  });

  it('class distribution: counts for one set, shares for several', () => {
    const one = classDistributionFigure(new Uint8Array([3, 3, 3, 1]));
    assert.equal(one.data.length, 1);
    const bar = one.data[0] as PlotlyBarTrace;
    assert.equal(bar.type, 'bar');
    assert.deepEqual(bar.x, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    assert.deepEqual(bar.y, [0, 1, 0, 3, 0, 0, 0, 0, 0, 0]);
    assert.equal(one.layout.showlegend, false);

    const two = classDistributionFigure({ train: [0, 0, 1, 1], test: [0, 1, 1, 1] });
    assert.equal(two.data.length, 2);
    assert.deepEqual((two.data[1] as PlotlyBarTrace).y.slice(0, 2), [25, 75]);
    assert.match((two.data[0] as PlotlyBarTrace).name!, /^train \(4\)$/);
    assert.equal(two.layout.barmode, 'group');
    assert.match(two.layout.yaxis!.title!.text, /%/);
    assert.throws(() => classDistributionFigure({}), /at least one label set/);
    assert.throws(() => classDistributionFigure([0], { classNames: ['a'] }), /classNames has 1 names but the data has 10 classes/);
  });

  it('training curves: loss and accuracy panels, validation and a test line', () => {
    const history = [
      { epoch: 1, loss: 0.5, acc: 0.9, valLoss: 0.4, valAcc: 0.92 },
      { epoch: 2, loss: 0.3, acc: 0.95, valLoss: 0.35, valAcc: 0.94 },
    ];
    const fig = trainingCurvesFigure(history, { testAccuracy: 0.9912, testLoss: 0.03 });
    const traces = fig.data as PlotlyScatterTrace[];
    const byAxis = (y: string) => traces.filter((t) => (t.yaxis ?? 'y') === y);
    assert.equal(byAxis('y').length, 3, 'loss: training, validation, test');
    assert.equal(byAxis('y2').length, 3, 'accuracy: training, validation, test');
    const accTrain = byAxis('y2')[0];
    assert.deepEqual(accTrain.y, [90, 95], 'accuracy shown in percent');
    assert.deepEqual(accTrain.x, [1, 2]);
    const test = traces.find((t) => t.name?.startsWith('test accuracy'))!;
    assert.match(test.name!, /99\.12%/);
    assert.ok(test.y.every((v) => Math.abs(v - 99.12) < 1e-9), String(test.y));
    assert.deepEqual(test.x, [1, 2], 'the test line spans the epochs');
    assert.equal(test.line?.dash, 'dash');
    assert.deepEqual(fig.layout.xaxis!.domain, [0, 0.44]);
    assert.equal(fig.layout.xaxis2!.anchor, 'y2');
  });

  it('training curves: without validation, with `accuracy` instead of `acc`, one epoch', () => {
    const fig = trainingCurvesFigure([{ loss: 1, accuracy: 0.5 }]);
    assert.equal(fig.data.length, 2);
    assert.equal((fig.data[0] as PlotlyScatterTrace).mode, 'markers', 'a single point is a marker');
    assert.deepEqual((fig.data[0] as PlotlyScatterTrace).x, [1], 'epochs default to 1-based positions');
    assert.throws(() => trainingCurvesFigure([]), /at least one epoch/);
    assert.throws(() => trainingCurvesFigure([{ loss: NaN }]), /finite loss/);
  });

  it('training curves: both panels share one numeric epoch range, with one epoch and with several', () => {
    // One epoch with a test loss line but no test accuracy: left to plotly, the loss panel spanned
    // 0-2 and the accuracy panel showed only the tick "1".
    const one = trainingCurvesFigure([{ loss: 0.2, acc: 0.9 }], { testLoss: 0.1 });
    assert.deepEqual(one.layout.xaxis!.range, [0.5, 1.5]);
    assert.deepEqual(one.layout.xaxis2!.range, [0.5, 1.5]);
    assert.equal(one.layout.xaxis2!.type, 'linear');
    const five = trainingCurvesFigure([1, 2, 3, 4, 5].map((e) => ({ epoch: e, loss: 1 / e, acc: 1 - 0.1 / e })));
    assert.deepEqual(five.layout.xaxis!.range, five.layout.xaxis2!.range);
    const [lo, hi] = five.layout.xaxis!.range!;
    assert.ok(lo < 1 && hi > 5 && hi - lo < 5, `range ${lo}..${hi} holds epochs 1-5 with a little margin`);
  });

  it('confusion matrix: heatmap of row shares, every count annotated, true classes top-down', () => {
    const m = [
      [8, 2, 0],
      [0, 10, 0],
      [1, 0, 0],
    ];
    const fig = confusionMatrixFigure(m, { classNames: ['a', 'b', 'c'] });
    const heat = fig.data[0] as PlotlyHeatmapTrace;
    assert.equal(heat.type, 'heatmap');
    assert.equal(heat.z[0][0], Math.sqrt(0.8));
    assert.equal(heat.z[2][2], 0, 'an empty row stays zero');
    assert.deepEqual(heat.customdata, m, 'hover shows the counts');
    assert.equal(fig.layout.annotations!.length, 9);
    const cell = fig.layout.annotations!.find((a) => a.x === 'b' && a.y === 'a')!;
    assert.equal(cell.text, '2');
    const dark = fig.layout.annotations!.find((a) => a.x === 'b' && a.y === 'b')!;
    assert.equal(dark.font?.color, '#ffffff', 'white text on the darkest cell');
    assert.equal(fig.layout.yaxis!.autorange, 'reversed');
    assert.throws(() => confusionMatrixFigure([[1, 2]]), /row 0 has 2 entries, expected 1/);
    assert.throws(() => confusionMatrixFigure([]), /empty/);
  });

  it('per-class bars: precision/recall/F1 rows or named series, zoomed when all high', () => {
    const rows = Array.from({ length: 10 }, (_, i) => ({ precision: 0.98 + i * 0.001, recall: 0.99, f1: 0.985 }));
    const fig = perClassBarsFigure(rows);
    assert.deepEqual(fig.data.map((t) => (t as PlotlyBarTrace).name), ['precision', 'recall', 'F1']);
    assert.ok(Math.abs(((fig.data[0] as PlotlyBarTrace).y[1] as number) - 98.1) < 1e-9);
    const range = fig.layout.yaxis!.range!;
    assert.ok(range[0] > 90 && range[0] < 98 && range[1] <= 100.2, `zoomed range ${range}`);

    const plain = perClassBarsFigure({ accuracy: [0.5, 0.6] }, { classNames: ['x', 'y'] });
    assert.equal(plain.data.length, 1);
    assert.equal(plain.layout.yaxis!.range, undefined, 'no zoom for low values');
    assert.throws(() => perClassBarsFigure({ a: [1, 2], b: [1] }), /series "b" has 1 values, expected 2/);
  });

  it('probability bars: prediction highlighted, the true class marked when wrong', () => {
    const probs = [0.05, 0.8, 0.15];
    const right = probabilityBarsFigure(probs, { classNames: ['0', '1', '2'] });
    const bar = right.data[0] as PlotlyBarTrace;
    assert.deepEqual(bar.y.map((v) => Math.round(v as number)), [5, 80, 15]);
    assert.match(right.layout.title!.text, /Prediction: 1 \(80\.0%\)/);
    const colors = bar.marker!.color as string[];
    assert.notEqual(colors[1], colors[0]);

    const wrong = probabilityBarsFigure(probs, { classNames: ['0', '1', '2'], trueLabel: 2 });
    const wc = (wrong.data[0] as PlotlyBarTrace).marker!.color as string[];
    assert.notEqual(wc[2], colors[2], 'true class coloured');
    assert.notEqual(wc[1], colors[1], 'wrong prediction coloured differently from a right one');
    assert.match(wrong.layout.title!.text, /true: 2/);
    assert.throws(() => probabilityBarsFigure([0.5, NaN]), /probabilities\[1\] is NaN/);
  });

  it('every figure is plain JSON (survives a JSON round trip unchanged)', () => {
    const figs = [
      classDistributionFigure([1, 2]),
      trainingCurvesFigure([{ loss: 1, acc: 0.5 }]),
      confusionMatrixFigure([[1]], { classNames: ['0'] }),
      perClassBarsFigure({ a: [0.1] }, { classNames: ['0'] }),
      probabilityBarsFigure([1], { classNames: ['0'] }),
    ];
    // A key whose value is undefined is simply not written (a figure without `width` is drawn at
    // its container's width), so it is left out of the comparison; anything else that JSON cannot
    // carry (NaN, Infinity, a typed array, a Date, a class instance, a function) comes back different.
    const written = (value: unknown): unknown =>
      Array.isArray(value) ? value.map(written)
      : value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype
        ? Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, written(v)]))
        : value;
    for (const f of figs) {
      assert.deepEqual(JSON.parse(JSON.stringify(f)), written(f));
      assert.ok(Array.isArray(f.data) && f.data.length > 0 && typeof f.layout === 'object');
    }
  });
});
