/**
 * The display helpers in a real front end: Debian's classic Jupyter Notebook with the tslab kernel,
 * driven by headless Chromium. Classic Notebook has no plotly renderer, so the chart must appear
 * through the bundle's text/html fallback (an inline SVG), next to a table and an image grid.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Browser, Page } from 'playwright-core';
import type { DisplayMimeBundle } from '../../lib/notebook/display';
import { classDistributionFigure } from '../../lib/notebook/figures';
import { figureBundle, imageGridBundle, tableBundle } from '../../lib/notebook/show';
import { chromiumUnavailable, launchChromium } from '../helpers/chromium';
import { kernelspecMetadata, notebookServerUnavailable, startNotebookServer, type NotebookServer } from '../helpers/jupyter';
import { cleanUpInOrder } from '../helpers/process';
import { skipIf } from '../helpers/skip';
import { type KernelSandbox, VIZ_KERNEL, createKernelSandbox, kernelTestUnavailable } from './kernel-harness';

describe('notebook: outputs in classic Jupyter Notebook (Chromium) @slow', function () {
  this.timeout(120_000);
  let sandbox: KernelSandbox | null = null;
  let server: NotebookServer | null = null;
  let browser: Browser | undefined;

  const token = 'viz-test-token';
  let base = '';

  before(async function () {
    skipIf(this, kernelTestUnavailable() ?? notebookServerUnavailable() ?? chromiumUnavailable());
    sandbox = createKernelSandbox();
    writeNotebooks(sandbox);
    server = await startNotebookServer({
      notebookDir: sandbox.workDir,
      jupyterPath: sandbox.jupyterPath,
      stateDir: sandbox.workDir,
      token,
    });
    base = server.base;
    browser = await launchChromium();
  });

  after(() => cleanUpInOrder(() => browser?.close(), () => server?.stop(), () => sandbox?.cleanup()));

  async function openNotebook(name: string): Promise<{ page: Page; pageErrors: string[] }> {
    const page = await browser!.newPage({ viewport: { width: 1200, height: 1400 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${base}/notebooks/${name}?token=${token}`);
    return { page, pageErrors };
  }

  function collect(page: Page) {
    return page.evaluate(() => ({
      trusted: (window as unknown as { Jupyter: { notebook: { trusted: boolean } } }).Jupyter.notebook.trusted,
      chart: Array.from(document.querySelectorAll('.output_html img[alt="Examples per class"]')).map((i) => (i as HTMLImageElement).naturalWidth),
      tableCells: Array.from(document.querySelectorAll('.output_html table td')).map((td) => td.textContent),
      captions: Array.from(document.querySelectorAll('.output_html figcaption')).map((f) => f.textContent),
      digitsLoaded: Array.from(document.querySelectorAll('.output_html figure img')).map((i) => (i as HTMLImageElement).naturalWidth),
      errors: document.querySelectorAll('.output_error, .output_stderr').length,
    }));
  }

  it('shows the chart (SVG fallback), a table and an image grid after running the cells', async () => {
    const { page, pageErrors } = await openNotebook('run.ipynb');
    await page.waitForFunction(() => {
      const j = (window as unknown as { Jupyter?: { notebook?: { kernel?: { is_connected(): boolean } } } }).Jupyter;
      return Boolean(j?.notebook?.kernel?.is_connected());
    }, undefined, { timeout: 60_000 });
    await page.evaluate(() => (window as unknown as { Jupyter: { notebook: { execute_all_cells(): void } } }).Jupyter.notebook.execute_all_cells());
    await page.waitForSelector('.output_html .digit-lab-figure img', { timeout: 60_000 });
    await page.waitForSelector('.output_html table td', { timeout: 30_000 });
    await page.waitForSelector('.output_html figure img', { timeout: 30_000 });
    // Kept for people to look at; the assertions below are what the test relies on.
    await page.screenshot({ path: path.join(os.tmpdir(), 'digit-lab-viz-classic-notebook.png'), fullPage: true });
    const seen = await collect(page);
    assert.deepEqual(seen.chart, [720]);
    assert.deepEqual(seen.tableCells, ['0', '5923', '1', '6742']);
    assert.deepEqual(seen.captions, ['4', '2']);
    assert.deepEqual(seen.digitsLoaded, [56, 56], 'PNG data URLs decode in the page');
    assert.equal(seen.errors, 0);
    assert.deepEqual(pageErrors, []);
  });

  it('still shows them in a saved notebook that is not trusted (sanitized HTML)', async () => {
    const { page, pageErrors } = await openNotebook('saved.ipynb');
    await page.waitForSelector('.output_html table td', { timeout: 30_000 });
    await page.waitForFunction(() => Array.from(document.querySelectorAll('.output_html img')).every((i) => (i as HTMLImageElement).complete), undefined, { timeout: 10_000 });
    const seen = await collect(page);
    assert.equal(seen.trusted, false, 'the notebook opens untrusted, so its HTML is sanitized');
    assert.deepEqual(seen.chart, [720], 'the chart image survives sanitizing');
    assert.deepEqual(seen.tableCells, ['0', '5923', '1', '6742']);
    assert.deepEqual(seen.digitsLoaded, [56, 56]);
    assert.deepEqual(pageErrors, []);
  });
});

/** run.ipynb: cells for the kernel to execute; saved.ipynb: the same outputs already saved in it. */
function writeNotebooks(sandbox: KernelSandbox): void {
  const images = { images: new Uint8Array(784 * 2).fill(255), labels: [4, 2] };
  const rows = [{ digit: 0, count: 5923 }, { digit: 1, count: 6742 }];
  const cells = [
    `import * as viz from ${JSON.stringify(sandbox.notebookModule)};`,
    `viz.showFigure(viz.classDistributionFigure([0, 1, 1, 2, 2, 2]))`,
    `viz.showTable(${JSON.stringify(rows)})`,
    `viz.showImageGrid({ images: new Uint8Array(784 * 2).fill(255), labels: [4, 2] }, [0, 1])`,
  ];
  const saved: DisplayMimeBundle[] = [
    figureBundle(classDistributionFigure([0, 1, 1, 2, 2, 2])),
    tableBundle(rows),
    imageGridBundle(images, [0, 1]),
  ];
  const notebook = (outputs: DisplayMimeBundle[][]) => ({
    cells: cells.map((source, i) => ({
      cell_type: 'code',
      id: `c${i}`,
      execution_count: outputs.length ? i + 1 : null,
      metadata: {},
      outputs: (outputs[i] ?? []).map((data) => ({ output_type: 'display_data', data, metadata: {} })),
      source,
    })),
    metadata: kernelspecMetadata(VIZ_KERNEL),
    nbformat: 4,
    nbformat_minor: 5,
  });
  fs.writeFileSync(path.join(sandbox.workDir, 'run.ipynb'), JSON.stringify(notebook([])));
  fs.writeFileSync(path.join(sandbox.workDir, 'saved.ipynb'), JSON.stringify(notebook([[], ...saved.map((b) => [b])])));
}
