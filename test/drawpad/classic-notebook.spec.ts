/**
 * The pad in a real front end: Debian's classic Jupyter Notebook (RequireJS on the page, output
 * scripts run by jQuery before the output is attached) with the tslab kernel, driven by headless
 * Chromium. Running the cell shows a live pad that recognises a drawn 7 as Node does; the saved,
 * untrusted notebook shows just a notice explaining why there is no pad, and no errors; trusting
 * it (which reloads the page) is enough for the saved output to become a working pad.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { digitPadHtml } from '../../lib/drawpad/node';
import { PAD_NOTICE } from '../../lib/drawpad/node/markup';
import type { PadStrokesPrediction } from './oracles';
import { chromiumUnavailable } from '../helpers/chromium';
import { kernelspecMetadata, notebookServerUnavailable, startTslabNotebook, type TslabNotebook } from '../helpers/jupyter';
import { cleanUpInOrder } from '../helpers/process';
import { skipIf } from '../helpers/skip';
import { assertMatchesNode, drawWithMouse, launchOffline, waitForSteadyBox } from './browser-helpers';
import { builtPadRuntime, DIGIT_STROKES, MODEL_CACHE, padNodePredictions, ROOT, trainedSeedCnn } from './fixtures';

const BUILT = path.join(ROOT, 'dist', 'lib', 'drawpad', 'node', 'index.js');
const PAD_KERNEL = { name: 'tslab-drawpad-test', displayName: 'TypeScript (drawpad test)' };

function notebook(sources: string[], outputs: Record<string, unknown>[][] = []) {
  return {
    cells: sources.map((source, i) => ({
      cell_type: 'code', id: `c${i}`, metadata: {}, source,
      execution_count: outputs[i] ? i + 1 : null,
      outputs: (outputs[i] ?? []).map((data) => ({ output_type: 'display_data', data, metadata: {} })),
    })),
    metadata: kernelspecMetadata(PAD_KERNEL),
    nbformat: 4,
    nbformat_minor: 5,
  };
}

describe('drawpad in classic Jupyter Notebook (Chromium) @slow', function () {
  this.timeout(180_000);
  let server: TslabNotebook | null = null;
  let browser: Browser | undefined;
  let context: BrowserContext;
  let node: Map<number, PadStrokesPrediction>;
  const problems: string[] = [];

  before(async function () {
    skipIf(this, notebookServerUnavailable()
      ?? chromiumUnavailable()
      ?? (fs.existsSync(BUILT) ? null : `${path.relative(ROOT, BUILT)} is not built; run \`npx tsc -p tsconfig.json\` first`));
    await builtPadRuntime(); // sets DIGIT_LAB_PAD_RUNTIME, which the server's kernels inherit
    const model = await trainedSeedCnn();
    node = await padNodePredictions(model);
    const sources = [
      `const pad = require(${JSON.stringify(BUILT)});\nconst { model } = await require(${JSON.stringify(path.join(ROOT, 'dist', 'lib', 'model', 'persist'))}).loadModel(${JSON.stringify(MODEL_CACHE)});`,
      'pad.drawDigitPad(model);',
    ];
    const saved = digitPadHtml(model);
    server = await startTslabNotebook('digit-lab-drawpad-jupyter-', PAD_KERNEL, {
      'run.ipynb': notebook(sources),
      'saved.ipynb': notebook(sources, [[], [{ 'text/html': saved, 'text/plain': '[pad]' }]]),
    }, 'drawpad-test');
    const allowed = new URL(server.base).host;
    ({ browser, context } = await launchOffline(problems, (url) => new URL(url).host === allowed));
  });

  after(() => cleanUpInOrder(() => browser?.close(), () => server?.stop()));

  async function open(name: string): Promise<Page> {
    const page = await context.newPage();
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error' && /dlp|digit-lab|digitLabPad|define/i.test(msg.text())) problems.push(`console error: ${msg.text()}`);
    });
    await page.goto(`${server!.base}/notebooks/${name}?token=${server!.token}`);
    return page;
  }

  it('runs the cell and recognises a 7 drawn on the live pad', async function () {
    const page = await open('run.ipynb');
    await page.waitForFunction(() => {
      const j = (window as unknown as { Jupyter?: { notebook?: { kernel?: { is_connected(): boolean } } } }).Jupyter;
      return Boolean(j?.notebook?.kernel?.is_connected());
    }, undefined, { timeout: 60_000 });
    await page.evaluate(() => (window as unknown as { Jupyter: { notebook: { execute_all_cells(): void } } }).Jupyter.notebook.execute_all_cells());
    await page.waitForSelector('.output_html .dlp-card[data-dlp-status="ready"]', { timeout: 90_000 });
    const card = page.locator('.output_html .dlp-card');
    assert.equal(await card.count(), 1);
    const { digit, strokes } = DIGIT_STROKES[2];
    assertMatchesNode(await drawWithMouse(page, card, strokes), node.get(digit)!, digit, 'classic notebook');
    // tfjs greets Node users on stderr when the first cell loads it; anything else is a failure.
    const stderr = (await page.locator('.output_error, .output_stderr').allTextContents()).filter((t) => !/Hi, looks like you are running TensorFlow\.js in Node\.js/.test(t));
    assert.deepEqual(stderr, []);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('shows only a notice saying why, in a saved notebook that is not trusted', async function () {
    const page = await open('saved.ipynb');
    await page.waitForSelector('.output_html .dlp-notice', { timeout: 30_000 });
    const seen = await page.evaluate(() => ({
      trusted: (window as unknown as { Jupyter: { notebook: { trusted: boolean } } }).Jupyter.notebook.trusted,
      notice: document.querySelector('.output_html .dlp-notice')?.textContent ?? '',
      cards: document.querySelectorAll('.dlp-card').length,
    }));
    assert.equal(seen.trusted, false, 'the notebook opens untrusted, so its scripts do not run');
    assert.ok(seen.notice.endsWith(PAD_NOTICE), `the notice says: ${seen.notice}`);
    assert.equal(seen.cards, 0);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('turns the saved output into a working pad once the notebook is trusted, running nothing', async function () {
    const page = await open('saved.ipynb');
    await page.waitForSelector('.output_html .dlp-notice', { timeout: 30_000 });
    // What File > Trust Notebook does: a confirmation dialog, then a reload of the page.
    await page.evaluate(() => (window as unknown as { Jupyter: { notebook: { trust_notebook(): void } } }).Jupyter.notebook.trust_notebook());
    await Promise.all([
      page.waitForEvent('load', { timeout: 30_000 }),
      page.locator('.modal-dialog button', { hasText: 'Trust' }).click(),
    ]);
    await page.waitForSelector('.output_html .dlp-card[data-dlp-status="ready"]', { timeout: 60_000 });
    // The page settles (kernel connected, header indicators updated) before the strokes are aimed.
    await page.waitForFunction(() => {
      const j = (window as unknown as { Jupyter?: { notebook?: { kernel?: { is_connected(): boolean } } } }).Jupyter;
      return Boolean(j?.notebook?.kernel?.is_connected());
    }, undefined, { timeout: 60_000 });
    const seen = await page.evaluate(() => ({
      trusted: (window as unknown as { Jupyter: { notebook: { trusted: boolean } } }).Jupyter.notebook.trusted,
      counts: Array.from(document.querySelectorAll('.input_prompt')).map((p) => /\[(.*)\]/.exec(p.textContent ?? '')?.[1]),
    }));
    assert.equal(seen.trusted, true);
    assert.deepEqual(seen.counts, ['1', '2'], 'the saved execution counts: no cell was run');
    const card = page.locator('.output_html .dlp-card');
    await waitForSteadyBox(page, card.locator('[data-dlp="canvas"]'));
    const { digit, strokes } = DIGIT_STROKES[2];
    assertMatchesNode(await drawWithMouse(page, card, strokes), node.get(digit)!, digit, 'trusted saved notebook');
    assert.deepEqual(problems, []);
    await page.close();
  });
});
