/**
 * The interactive path: Debian's classic Jupyter Notebook with the tslab kernel registered,
 * driven by headless Chromium the way a person would: open the walkthrough, switch the data
 * source to the embedded digits in the parameters cell, run the first cells with Shift+Enter, and
 * see the engine table, the label-count table and the class-distribution chart appear.
 * Classic Notebook has no plotly renderer, so the chart shows as the bundle's text/html fallback.
 */
import { strict as assert } from 'assert';
import { type ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Browser, Page } from 'playwright-core';
import {
  PROJECT_ROOT,
  chromiumUnavailable,
  createProjectSandbox,
  ensureLibraryBuilt,
  freePort,
  launchChromium,
  offlineContext,
  stopChild,
  type ProjectSandbox,
} from './helpers';

const PYTHON = process.env.DIGIT_LAB_PYTHON ?? '/usr/bin/python3';
const NOTEBOOK = 'Digit_Recognizer.ipynb';
const KERNEL_NAME = 'tslab';
const SCREENSHOT = path.join(os.tmpdir(), 'digit-lab-e2e-classic-notebook.png');

/** Why classic Notebook cannot be driven here, or null when it can. */
function notebookUnavailable(): string | null {
  const probe = spawnSync(PYTHON, ['-m', 'notebook', '--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return `classic Jupyter Notebook is not installed (${PYTHON} -m notebook; Debian package jupyter-notebook)`;
  if (!fs.existsSync(path.join(PROJECT_ROOT, 'node_modules', 'tslab', 'dist', 'main.js'))) return 'tslab is not installed in node_modules';
  return chromiumUnavailable();
}

/**
 * Registers the tslab kernel in `jupyterPath`. The kernel starts through a small wrapper that
 * records its pid, so after() can end a kernel the server failed to shut down.
 */
function registerKernel(jupyterPath: string, pidFile: string): void {
  const kernelDir = path.join(jupyterPath, 'kernels', KERNEL_NAME);
  fs.mkdirSync(kernelDir, { recursive: true });
  const wrapper = path.join(kernelDir, 'start-tslab.js');
  fs.writeFileSync(wrapper, [
    `require('fs').appendFileSync(${JSON.stringify(pidFile)}, process.pid + '\\n');`,
    `require(${JSON.stringify(path.join(PROJECT_ROOT, 'node_modules', 'tslab', 'dist', 'main.js'))}).main();`,
    '',
  ].join('\n'));
  fs.writeFileSync(path.join(kernelDir, 'kernel.json'), JSON.stringify({
    argv: [process.execPath, wrapper, 'kernel', '--config-path', '{connection_file}'],
    display_name: 'TypeScript',
    language: 'typescript',
  }, null, 1));
}

function killRecordedPids(pidFile: string): void {
  if (!fs.existsSync(pidFile)) return;
  for (const pid of fs.readFileSync(pidFile, 'utf8').split('\n').map(Number)) {
    if (!Number.isInteger(pid) || pid <= 0) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone: the server shut it down, as it should.
    }
  }
}

async function waitForServer(url: string, server: ChildProcess, log: () => string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (server.exitCode !== null) throw new Error(`jupyter notebook exited (${server.exitCode}):\n${log()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`jupyter notebook did not answer at ${url} within ${timeoutMs} ms:\n${log()}`);
}

type JupyterWindow = {
  Jupyter: {
    notebook: {
      kernel?: { is_connected(): boolean };
      get_cells(): { cell_type: string; metadata: { tags?: string[] }; get_text(): string; set_text(t: string): void }[];
      select(index: number): void;
      command_mode(): void;
    };
  };
};

describe('the walkthrough in classic Jupyter Notebook (Chromium) @slow', function () {
  this.timeout(180_000);
  let sandbox: ProjectSandbox | undefined;
  let server: ChildProcess | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let serverLog = '';
  let pidFile = '';
  const pageErrors: string[] = [];
  let blocked: string[] = [];
  const token = `digit-lab-e2e-${process.pid}`;
  let base = '';

  before(async function () {
    this.timeout(300_000);
    const why = notebookUnavailable();
    if (why) {
      console.log(`      (skipped: ${why})`);
      this.skip();
    }
    ensureLibraryBuilt();
    sandbox = createProjectSandbox('digit-lab-e2e-lab-');
    fs.copyFileSync(path.join(PROJECT_ROOT, 'notebooks', NOTEBOOK), path.join(sandbox.notebooksDir, NOTEBOOK));
    const jupyter = path.join(sandbox.root, '.jupyter');
    pidFile = path.join(jupyter, 'kernel-pids');
    registerKernel(path.join(jupyter, 'path'), pidFile);
    const port = await freePort();
    server = spawn(PYTHON, [
      '-m', 'notebook', '--no-browser', `--port=${port}`, '--port-retries=0', '--ip=127.0.0.1',
      `--NotebookApp.token=${token}`, `--notebook-dir=${sandbox.root}`, '--allow-root',
    ], {
      cwd: sandbox.root,
      env: {
        ...process.env,
        JUPYTER_PATH: path.join(jupyter, 'path'),
        JUPYTER_DATA_DIR: path.join(jupyter, 'data'),
        JUPYTER_CONFIG_DIR: path.join(jupyter, 'config'),
        JUPYTER_RUNTIME_DIR: path.join(jupyter, 'runtime'),
        IPYTHONDIR: path.join(jupyter, 'ipython'),
      },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout!.on('data', (d) => (serverLog += d));
    server.stderr!.on('data', (d) => (serverLog += d));
    base = `http://127.0.0.1:${port}`;
    await waitForServer(`${base}/api/status?token=${token}`, server, () => serverLog.slice(-3000), 60_000);

    browser = await launchChromium();
    const offline = await offlineContext(browser, (url) => url.startsWith(`${base}/`) || url.startsWith('data:') || url.startsWith('blob:'), { width: 1200, height: 1400 });
    blocked = offline.blocked;
    page = await offline.context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${base}/notebooks/notebooks/${NOTEBOOK}?token=${token}`, { timeout: 60_000 });
    await page.waitForFunction(() => Boolean((window as unknown as Partial<JupyterWindow>).Jupyter?.notebook?.kernel?.is_connected()), undefined, { timeout: 90_000 });
    await page.waitForSelector('#kernel_indicator_icon.kernel_idle_icon', { timeout: 90_000 });
  });

  after(async () => {
    // Each step runs even if an earlier one fails: no browser, server or kernel may outlive the test.
    try {
      await browser?.close();
    } finally {
      try {
        await stopChild(server);
      } finally {
        if (pidFile) killRecordedPids(pidFile);
        sandbox?.cleanup();
      }
    }
  });

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
});
