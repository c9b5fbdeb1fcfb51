/**
 * End to end through the real tslab kernel: a notebook calls the built `drawDigitPad`, our runner
 * executes it, the HTML export keeps the pad working, and headless Chromium draws a 1, a 0 and a
 * 7 on it and sees Node's predictions.
 */
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { renderNotebookHtml } from '../../lib/runner/html';
import { executeNotebook } from '../../lib/runner/executor';
import type { CodeCell, Notebook } from '../../lib/runner/document/nbformat';
import type { PadStrokesPrediction } from './oracles';
import { chromiumUnavailable } from '../helpers/chromium';
import { skipIf } from '../helpers/skip';
import { assertMatchesNode, drawWithMouse, launchOffline, openPadPage } from './browser-helpers';
import { builtPadRuntime, DIGIT_STROKES, MODEL_CACHE, padNodePredictions, ROOT, trainedSeedCnn } from './fixtures';

const BUILT = path.join(ROOT, 'dist', 'lib', 'drawpad', 'node', 'index.js');

function code(id: string, source: string): CodeCell {
  return { cell_type: 'code', id, metadata: {}, execution_count: null, source, outputs: [] } as unknown as CodeCell;
}

function padNotebook(): Notebook {
  const lib = (name: string) => JSON.stringify(path.join(ROOT, 'dist', 'lib', name));
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
    cells: [
      code('load', `const pad = require(${lib('drawpad/node')});\nconst persist = require(${lib('model/persist')});\nconst { model } = await persist.loadModel(${JSON.stringify(MODEL_CACHE)});`),
      // As the walkthrough notebook calls it: no await.
      code('pad', 'pad.showDrawDigitPad(model, { title: "Draw a digit (from the kernel)" });'),
    ],
  } as unknown as Notebook;
}

describe('drawpad from a tslab notebook to the HTML report @slow', function () {
  this.timeout(180_000);
  let browser: Browser | undefined;
  let context: BrowserContext;
  let dir: string | undefined;
  let node: Map<number, PadStrokesPrediction>;
  const problems: string[] = [];

  before(async function () {
    skipIf(this, existsSync(BUILT) ? null : `${path.relative(ROOT, BUILT)} is not built; run \`npx tsc -p tsconfig.json\` first`);
    skipIf(this, chromiumUnavailable());
    await builtPadRuntime(); // sets DIGIT_LAB_PAD_RUNTIME, which the kernel inherits
    node = await padNodePredictions(await trainedSeedCnn());
    dir = mkdtempSync(path.join(os.tmpdir(), 'digit-lab-drawpad-kernel-'));
  });

  after(async function () {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('displays the pad as one text/html output that works in the exported report', async function () {
    const result = await executeNotebook(padNotebook(), { kernelspecDirs: [], cwd: ROOT, timeout: 120 });
    assert.equal(result.ok, true, result.error?.message);
    const outputs = (result.notebook.cells[1] as CodeCell).outputs;
    assert.equal(outputs.length, 1, `one output, got ${JSON.stringify(outputs.map((o) => o.output_type))}`);
    const output = outputs[0] as { output_type: string; data: Record<string, unknown> };
    assert.equal(output.output_type, 'display_data');
    const html = String(output.data['text/html']);
    assert.ok(html.startsWith('<div class="dlp-host"'), `the pad's HTML, got ${html.slice(0, 80)}...`);
    assert.equal(html.match(/<script>if\(!window\.digitLabPad&&!window\.__digitLabPadLoading\)/g)?.length, 1, 'with the packed runtime, once');

    const file = path.join(dir!, 'report.html');
    writeFileSync(file, renderNotebookHtml(result.notebook));
    ({ browser, context } = await launchOffline(problems));
    const page = await openPadPage(context, file, problems);
    const card = page.locator('.dlp-card');
    for (const { digit, strokes } of DIGIT_STROKES) {
      assertMatchesNode(await drawWithMouse(page, card, strokes), node.get(digit)!, digit, 'kernel report');
    }
    assert.deepEqual(problems, []);
  });
});
