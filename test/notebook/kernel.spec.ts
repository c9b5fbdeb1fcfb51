import { strict as assert } from 'assert';
import * as path from 'path';
import { type CellOutput, type KernelSandbox, PROJECT_ROOT, createKernelSandbox, executeCells, joinText, kernelTestUnavailable, svgsInHtml } from './kernel-harness';

const PLOTLY = 'application/vnd.plotly.v1+json';

function displays(outputs: CellOutput[]): CellOutput[] {
  return outputs.filter((o) => o.output_type === 'display_data');
}

function streams(outputs: CellOutput[]): string {
  return outputs.filter((o) => o.output_type === 'stream').map((o) => joinText(o.text)).join('');
}

describe('notebook: display in the real tslab kernel @slow', function () {
  this.timeout(180_000);
  let sandbox: KernelSandbox | null = null;
  let outputs: CellOutput[][] = [];

  before(function () {
    const why = kernelTestUnavailable();
    if (why) {
      console.log(`      (skipped: ${why})`);
      this.skip();
    }
    sandbox = createKernelSandbox();
    const viz = JSON.stringify(sandbox.notebookModule);
    const danfo = JSON.stringify(path.join(PROJECT_ROOT, 'node_modules', 'danfojs-node'));
    outputs = executeCells(sandbox, [
      `import * as viz from ${viz};\nconsole.log('in kernel:', viz.isInTslabKernel());`,
      `viz.showFigure(viz.classDistributionFigure([0, 1, 1, 2, 9]))`,
      `viz.showTable([{ digit: 0, count: 5923 }, { digit: 1, count: 6742 }], { caption: 'label counts' })`,
      `const dfd = require(${danfo});\nviz.showTable(new dfd.DataFrame({ epoch: [1, 2], loss: [0.25, 0.125] }))`,
      `viz.showImageGrid({ images: new Uint8Array(784 * 3).fill(200), labels: [7, 3, 1] }, [0, 2], { cols: 2 })`,
      `viz.showMarkdown('**bold** text')`,
      [
        `const progress = viz.trainingProgressDisplay({ title: 'Training test', minIntervalMs: 0 });`,
        `progress({ kind: 'start', epochs: 1, batchesPerEpoch: 2, trainExamples: 256, validationExamples: 0 });`,
        `progress({ kind: 'batch', epoch: 1, epochs: 1, batch: 1, batches: 2, loss: 0.9, acc: 0.5, examplesPerSec: 100 });`,
        `progress({ kind: 'epoch', epochs: 1, record: { epoch: 1, loss: 0.5, acc: 0.75, lr: 0.001, seconds: 1.5, examplesPerSec: 170 }, improved: true });`,
        `progress({ kind: 'end', stoppedEarly: false, bestEpoch: 1, restoredBest: false });`,
      ].join('\n'),
      // Hide tslab's internal writer (as a future tslab might) to exercise the public-API fallback.
      // The public module is loaded first: loading it afterwards would load a second, idle jupyter.js.
      [
        `require('tslab');`,
        `const key = Object.keys(require.cache).find((k) => /tslab[\\\\/]dist[\\\\/]jupyter\\.js$/.test(k))!;`,
        `const mod = require.cache[key]!;`,
        `delete require.cache[key];`,
        `try { viz.showFigure(viz.probabilityBarsFigure([0.1, 0.9])); } finally { require.cache[key] = mod; }`,
      ].join('\n'),
    ]);
  });

  after(() => sandbox?.cleanup());

  it('runs the library inside the kernel', () => {
    assert.match(streams(outputs[0]), /in kernel: true/);
  });

  it('sends a plotly figure as ONE output with plotly JSON, an SVG fallback and text', () => {
    const shown = displays(outputs[1]);
    assert.equal(shown.length, 1, JSON.stringify(outputs[1]));
    const data = shown[0].data!;
    const fig = data[PLOTLY] as { data: { type: string; y: number[] }[]; layout: object };
    assert.equal(typeof fig, 'object', 'plotly JSON arrives as an object, not a string');
    assert.equal(fig.data[0].type, 'bar');
    assert.deepEqual(fig.data[0].y, [1, 2, 1, 0, 0, 0, 0, 0, 0, 1]);
    const [svg] = svgsInHtml(joinText(data['text/html']));
    assert.match(svg, /^<svg[^>]*>.*<rect/s, 'a static SVG chart as an image');
    assert.doesNotMatch(joinText(data['text/html']), /<script/i, 'the fallback needs no script');
    assert.match(joinText(data['text/plain']), /Figure: Examples per class/);
  });

  it('sends tables from row objects and from a danfojs DataFrame as HTML + text', () => {
    const rows = displays(outputs[2]);
    assert.equal(rows.length, 1);
    assert.match(joinText(rows[0].data!['text/html']), /<caption[^>]*>label counts<\/caption>/);
    assert.match(joinText(rows[0].data!['text/plain']), /digit\s+count/);
    const df = displays(outputs[3]);
    assert.equal(df.length, 1, JSON.stringify(outputs[3]));
    const html = joinText(df[0].data!['text/html']);
    assert.match(html, /<th[^>]*>epoch<\/th>/);
    assert.match(html, />0\.1250</);
  });

  it('sends an image grid with real captions and PNG data', () => {
    const shown = displays(outputs[4]);
    assert.equal(shown.length, 1);
    const html = joinText(shown[0].data!['text/html']);
    assert.equal((html.match(/<img src="data:image\/png;base64,/g) ?? []).length, 2);
    assert.match(html, /<figcaption[^>]*>7<\/figcaption>.*<figcaption[^>]*>1<\/figcaption>/s);
  });

  it('sends markdown', () => {
    const shown = displays(outputs[5]);
    assert.equal(joinText(shown[0].data!['text/markdown']), '**bold** text');
  });

  it('updates one progress output in place (display_id) and ends with the final state', () => {
    const shown = displays(outputs[6]);
    assert.equal(shown.length, 1, `expected one updated output, got ${JSON.stringify(outputs[6]).slice(0, 500)}`);
    const html = joinText(shown[0].data!['text/html']);
    assert.match(html, /done after 1 epoch/);
    assert.match(html, /75\.00%/);
    assert.match(joinText(shown[0].data!['text/plain']), /Training test/);
  });

  it('falls back to the public tslab API (one MIME type: the HTML) when the internal writer is missing', () => {
    const shown = displays(outputs[7]);
    assert.equal(shown.length, 1, JSON.stringify(outputs[7]).slice(0, 500));
    assert.deepEqual(Object.keys(shown[0].data!), ['text/html']);
    assert.equal(svgsInHtml(joinText(shown[0].data!['text/html'])).length, 1);
  });
});
