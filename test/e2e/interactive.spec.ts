/**
 * The interactive path: Debian's classic Jupyter Notebook with the tslab kernel registered,
 * driven by headless Chromium the way a person would: open the walkthrough, switch the data
 * source to the embedded digits in the parameters cell, run the first cells with Shift+Enter, and
 * see the engine table, the label-count table and the class-distribution chart appear; then run
 * every cell with small parameters, the exercises' solutions included, and write a number on the
 * wide pad it leaves.
 * Classic Notebook has no plotly renderer, so the chart shows as the bundle's text/html fallback.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Browser, Page } from 'playwright-core';
import { chromiumUnavailable, explainBrowserFailure, launchChromium, offlineContext } from '../helpers/chromium';
import { type NotebookServer, notebookServerUnavailable, registerTslabKernel, startNotebookServer } from '../helpers/jupyter';
import { cleanUpInOrder } from '../helpers/process';
import { skipIf } from '../helpers/skip';
import { numberStrokes, waitForSteadyBox, writeWithMouse } from '../drawpad/browser-helpers';
import { PROJECT_ROOT, createProjectSandbox, ensureLibraryBuilt, type ProjectSandbox } from './helpers';

const PYTHON = process.env.DIGIT_LAB_PYTHON ?? '/usr/bin/python3';
/** `python3 -m notebook`: the classic Notebook a user of the Debian packages starts. */
const NOTEBOOK_SERVER = [PYTHON, '-m', 'notebook'];
const NOTEBOOK = 'Digit_Recognizer.ipynb';
/** The name and display name a user's own `tslab install` registers. */
const KERNEL = { name: 'tslab', displayName: 'TypeScript' };
const SCREENSHOT = path.join(os.tmpdir(), 'digit-lab-e2e-classic-notebook.png');

type JupyterWindow = {
  Jupyter: {
    notebook: {
      kernel?: { is_connected(): boolean };
      get_cells(): { cell_type: string; metadata: { tags?: string[] }; get_text(): string; set_text(t: string): void }[];
      select(index: number): void;
      command_mode(): void;
      execute_all_cells(): void;
    };
  };
};

describe('the walkthrough in classic Jupyter Notebook (Chromium) @slow', function () {
  this.timeout(180_000);
  let sandbox: ProjectSandbox | undefined;
  let server: NotebookServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const pageErrors: string[] = [];
  let blocked: string[] = [];
  const token = `digit-lab-e2e-${process.pid}`;
  let base = '';

  before(async function () {
    this.timeout(300_000);
    skipIf(this, notebookServerUnavailable(NOTEBOOK_SERVER) ?? chromiumUnavailable());
    ensureLibraryBuilt();
    sandbox = createProjectSandbox('digit-lab-e2e-lab-');
    fs.copyFileSync(path.join(PROJECT_ROOT, 'notebooks', NOTEBOOK), path.join(sandbox.notebooksDir, NOTEBOOK));
    const jupyter = path.join(sandbox.root, '.jupyter');
    const pidFile = path.join(jupyter, 'kernel-pids');
    registerTslabKernel(path.join(jupyter, 'path'), KERNEL, pidFile);
    server = await startNotebookServer({
      notebookDir: sandbox.root,
      jupyterPath: path.join(jupyter, 'path'),
      stateDir: jupyter,
      token,
      pidFile,
      command: NOTEBOOK_SERVER,
      detached: true,
      startTimeoutMs: 60_000,
    });
    base = server.base;

    const launched = await launchChromium();
    browser = launched;
    await explainBrowserFailure(launched, async () => {
      const offline = await offlineContext(launched, (url) => url.startsWith(`${base}/`) || url.startsWith('data:') || url.startsWith('blob:'), { viewport: { width: 1200, height: 1400 } });
      blocked = offline.blocked;
      page = await offline.context.newPage();
      page.on('pageerror', (e) => pageErrors.push(e.message));
      await page.goto(`${base}/notebooks/notebooks/${NOTEBOOK}?token=${token}`, { timeout: 60_000 });
      await page.waitForFunction(() => Boolean((window as unknown as Partial<JupyterWindow>).Jupyter?.notebook?.kernel?.is_connected()), undefined, { timeout: 90_000 });
      await page.waitForSelector('#kernel_indicator_icon.kernel_idle_icon', { timeout: 90_000 });
    });
  });

  after(() => cleanUpInOrder(() => browser?.close(), () => server?.stop(), () => sandbox?.cleanup()));

  it('opens the notebook with the TypeScript (tslab) kernel', async () => {
    const kernelName = await page.locator('.kernel_indicator_name').textContent();
    assert.equal(kernelName?.trim(), 'TypeScript');
  });

  it('runs the first cells (Shift+Enter) and shows the tables and the class-distribution chart', async function () {
    this.timeout(240_000);
    // The parameters cell, edited through the page: no network here, so use the embedded digits.
    const chartCell = await page.evaluate(() => {
      const cells = (window as unknown as JupyterWindow).Jupyter.notebook.get_cells();
      const params = cells.find((c) => c.metadata.tags?.includes('parameters'));
      if (!params) throw new Error('no cell tagged "parameters"');
      params.set_text(params.get_text().replace(/(let\s+dataSource\s*:\s*string\s*=\s*)"[^"]*"/, '$1"embedded"'));
      (window as unknown as JupyterWindow).Jupyter.notebook.select(0);
      (window as unknown as JupyterWindow).Jupyter.notebook.command_mode();
      return cells.findIndex((c) => c.cell_type === 'code' && c.get_text().includes('classDistributionFigure'));
    });
    assert.ok(chartCell > 0, 'a code cell draws the class distribution');
    // The first cell is selected in command mode: Shift+Enter through every cell up to the chart.
    for (let i = 0; i <= chartCell; i++) await page.keyboard.press('Shift+Enter');

    await page.waitForFunction((index) => {
      const cell = document.querySelectorAll('.cell')[index];
      return Boolean(cell?.querySelector('.output_html .digit-lab-figure img, .js-plotly-plot svg.main-svg') || document.querySelector('.output_error'));
    }, chartCell, { timeout: 180_000 });
    // Finished: the chart cell's prompt shows its execution count instead of [*].
    await page.waitForFunction((index) => /In\s*\[\d+\]/.test(document.querySelectorAll('.cell')[index]?.querySelector('.input_prompt')?.textContent ?? ''), chartCell, { timeout: 60_000 });
    await page.waitForFunction(() => Array.from(document.images).every((i) => i.complete), undefined, { timeout: 10_000 });
    // The notebook scrolls inside its own container, so bring the chart into view for the picture.
    await page.locator('.cell').nth(chartCell).scrollIntoViewIfNeeded();
    await page.screenshot({ path: SCREENSHOT });

    const seen = await page.evaluate((index) => {
      const cell = document.querySelectorAll('.cell')[index];
      const tables = Array.from(document.querySelectorAll('.output_html .digit-lab-table'));
      return {
        errors: Array.from(document.querySelectorAll('.output_error')).map((e) => (e.textContent ?? '').slice(0, 300)),
        tables: tables.length,
        captions: tables.map((t) => t.querySelector('caption')?.textContent ?? ''),
        countRows: (cell?.querySelectorAll('.digit-lab-table tbody tr') ?? []).length,
        chartImages: Array.from(cell?.querySelectorAll('.digit-lab-figure img') ?? []).map((i) => (i as HTMLImageElement).naturalWidth),
        plotlyCharts: (cell?.querySelectorAll('.js-plotly-plot svg.main-svg') ?? []).length,
        sourceText: Array.from(document.querySelectorAll('.output_html')).some((o) => /source\s*embedded\b/.test(o.textContent ?? '')),
      };
    }, chartCell);
    assert.deepEqual(seen.errors, [], 'no cell failed');
    assert.ok(seen.tables >= 3, `engine, data and label-count tables expected; got ${seen.tables} (${seen.captions.join(', ')})`);
    assert.equal(seen.countRows, 10, 'the label-count table has a row per digit');
    assert.ok(seen.plotlyCharts > 0 || (seen.chartImages.length > 0 && seen.chartImages.every((w) => w > 0)), `a drawn chart in the chart cell: ${JSON.stringify(seen)}`);
    assert.ok(seen.sourceText, 'the data table names the embedded source');
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(blocked, [], 'the page fetched nothing from the network');
  });

  it('Cell > Run All runs the whole walkthrough, exercises and their solutions included, without an error', async function () {
    this.timeout(420_000);
    await page.evaluate(() => {
      const cells = (window as unknown as JupyterWindow).Jupyter.notebook.get_cells();
      const params = cells.find((c) => c.metadata.tags?.includes('parameters'))!;
      params.set_text(params.get_text()
        .replace(/(let\s+epochs\s*:\s*number\s*=\s*)\d+/, '$11')
        .replace(/(let\s+trainLimit\s*:\s*number\s*=\s*)\d+/, '$1600'));
      (window as unknown as JupyterWindow).Jupyter.notebook.execute_all_cells();
    });
    // Done when every code cell shows an execution count and none is queued or running.
    await page.waitForFunction(() => {
      const code = Array.from(document.querySelectorAll('.cell.code_cell'));
      return code.length > 0 && code.every((c) => /In\s*\[\d+\]/.test(c.querySelector('.input_prompt')?.textContent ?? ''));
    }, undefined, { timeout: 400_000, polling: 1000 });
    const seen = await page.evaluate(() => ({
      errors: Array.from(document.querySelectorAll('.output_error, .output_stderr')).map((e) => (e.textContent ?? '').slice(0, 300)),
      codeCells: document.querySelectorAll('.cell.code_cell').length,
      solutionOutputs: (window as unknown as JupyterWindow).Jupyter.notebook.get_cells()
        .map((c, i) => ({ c, i }))
        .filter(({ c }) => c.metadata.tags?.includes('solution'))
        .map(({ i }) => document.querySelectorAll('.cell')[i]?.querySelectorAll('.output_area').length ?? 0),
    }));
    assert.deepEqual(seen.errors, [], 'no cell failed or wrote to stderr');
    assert.ok(seen.solutionOutputs.length >= 4 && seen.solutionOutputs.every((n) => n > 0), `every solution cell showed output: ${seen.solutionOutputs}`);
    // The wide pad of section 10 works here too: three digits written in a row, three read, each boxed.
    const numberCard = page.locator('.output_area .dlp-card.dlp-wide').first();
    await numberCard.scrollIntoViewIfNeeded();
    await waitForSteadyBox(page, numberCard);
    const written = await writeWithMouse(page, numberCard, numberStrokes([1, 0, 7]));
    assert.equal(written.digits.length, 3, `the number pad found three digits: ${JSON.stringify(written)}`);
    assert.equal(written.boxes, 3, 'a box over each digit');
    assert.deepEqual(pageErrors, []);
  });
});
