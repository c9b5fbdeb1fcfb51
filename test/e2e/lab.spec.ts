/**
 * JupyterLab 4 as a user meets it, driven by headless Chromium: the walkthrough opened with the
 * kernel `digit-lab lab` registers, left untouched (it must not turn dirty), then Run All with
 * small parameters; every kind of output the notebook makes is checked, the text read for
 * contrast in the light theme and in JupyterLab Dark, a console attached to the notebook's kernel,
 * the notebook saved and reloaded, and an untrusted copy trusted.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Browser, Page } from 'playwright-core';
import { chromiumUnavailable, explainBrowserFailure, launchChromium, offlineContext } from '../helpers/chromium';
import { findLabPython, type JupyterLab, labUnavailable, startJupyterLab } from '../helpers/jupyter-lab';
import { findLowContrastText, formatFindings } from '../helpers/page-contrast';
import { cleanUpInOrder } from '../helpers/process';
import { skipIf } from '../helpers/skip';
import { DIGIT_STROKES } from '../drawpad/fixtures';
import { drawWithMouse, numberStrokes, waitForSteadyBox, writeWithMouse } from '../drawpad/browser-helpers';
import { PROJECT_ROOT, createProjectSandbox, ensureLibraryBuilt, type ProjectSandbox } from './helpers';

const NOTEBOOK = 'Digit_Recognizer.ipynb';
/** Small enough to run in a minute on any backend; the embedded digits need no network. */
const PARAMETERS: Record<string, string> = { dataSource: '"embedded"', epochs: '1', trainLimit: '600', sampleCount: '12' };
/** The run's outputs hold several hundred texts (table cells, captions, labels, chart ticks). */
const MIN_TEXTS_CHECKED = 300;

/** The parts of JupyterLab's application the page exposes with expose_app_in_browser. */
type LabWindow = {
  jupyterapp: {
    commands: { execute(id: string, args?: unknown): Promise<unknown> };
    shell: {
      currentWidget: {
        context: { path: string; model: { dirty: boolean } };
        sessionContext: { session?: { kernel?: { status: string; name: string } } };
        content: { widgets: { model: { type: string; executionCount: number | null; getMetadata(k: string): unknown; sharedModel: { getSource(): string; setSource(s: string): void } } }[] };
      } | null;
    };
  };
};

/*
 * Code passed to page.evaluate must not declare named functions: the test runner's compiler wraps
 * them in a helper (__name) the page lacks. Hence the inline arrows below.
 */

describe('the walkthrough in JupyterLab 4 (Chromium) @slow', function () {
  this.timeout(300_000);
  let sandbox: ProjectSandbox | undefined;
  let lab: JupyterLab | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const pageErrors: string[] = [];
  let blocked: string[] = [];
  const token = `digit-lab-lab-${process.pid}`;
  let notebookFile = '';

  const notebookUrl = () => `${lab!.base}/lab/tree/notebooks/${NOTEBOOK}?token=${token}&reset`;

  /** Waits until the notebook is open and its kernel idle. */
  async function waitForIdleKernel(): Promise<void> {
    await page.waitForFunction(() => {
      const w = (window as unknown as Partial<LabWindow>).jupyterapp?.shell.currentWidget;
      return w?.sessionContext?.session?.kernel?.status === 'idle';
    }, undefined, { timeout: 120_000 });
  }

  /** Every text in the outputs (hundreds of them, all cells being rendered) at 4.5:1 or more. */
  async function assertReadableOutputs(): Promise<void> {
    const report = await findLowContrastText(page, { root: '.jp-OutputArea-output' });
    assert.ok(report.checked >= MIN_TEXTS_CHECKED, `only ${report.checked} texts measured: are the outputs there?`);
    assert.equal(report.offenders.length, 0, `${report.offenders.length} of ${report.checked} texts below 4.5:1:\n${formatFindings(report.offenders)}`);
  }

  before(async function () {
    this.timeout(300_000);
    const missing = labUnavailable() ?? chromiumUnavailable();
    if (missing && process.env.CI) assert.fail(`the JupyterLab suite cannot run in CI: ${missing}`);
    skipIf(this, missing);
    ensureLibraryBuilt();
    sandbox = createProjectSandbox('digit-lab-e2e-jlab-');
    notebookFile = path.join(sandbox.notebooksDir, NOTEBOOK);
    fs.copyFileSync(path.join(PROJECT_ROOT, 'notebooks', NOTEBOOK), notebookFile);
    lab = await startJupyterLab({ python: findLabPython()!, root: sandbox.root, stateDir: path.join(sandbox.root, '.jupyter'), token });
    browser = await launchChromium();
    const offline = await offlineContext(browser, (url) => url.startsWith(`${lab!.base}/`) || url.startsWith('data:') || url.startsWith('blob:'), {
      viewport: { width: 1280, height: 1000 },
    });
    blocked = offline.blocked;
    page = await offline.context.newPage();
    page.on('pageerror', (e) => {
      // Lab's debugger sidebar asks a kernel without a debugger for its state.
      if (!/No active debugger session/.test(e.message)) pageErrors.push(e.message);
    });
    await explainBrowserFailure(page, async () => {
      await page.goto(notebookUrl(), { timeout: 90_000 });
      await waitForIdleKernel();
    });
  });

  after(() => cleanUpInOrder(() => browser?.close(), () => lab?.stop(), () => sandbox?.cleanup()));

  it('opens with the TypeScript kernel and stays unmodified: no dirty marker after 10 s, and a save changes no byte', async () => {
    const before = fs.readFileSync(notebookFile);
    const kernel = await page.evaluate(() => (window as unknown as LabWindow).jupyterapp.shell.currentWidget!.sessionContext.session!.kernel!.name);
    assert.equal(kernel, 'tslab');
    await page.waitForTimeout(10_000);
    const dirty = await page.evaluate(() => ({
      model: (window as unknown as LabWindow).jupyterapp.shell.currentWidget!.context.model.dirty,
      tab: document.querySelectorAll('.lm-TabBar-tab.jp-mod-dirty').length,
    }));
    assert.deepEqual(dirty, { model: false, tab: 0 }, 'opening the notebook changed it');
    await page.evaluate(() => (window as unknown as LabWindow).jupyterapp.commands.execute('docmanager:save'));
    await page.waitForTimeout(1500);
    assert.ok(fs.readFileSync(notebookFile).equals(before), 'saving the unrun notebook rewrote the file');
  });

  it('Run All: tables, interactive plotly charts, live progress updated in place, images, and a pad that reads a drawn digit', async function () {
    this.timeout(420_000);
    await page.evaluate((params) => {
      const nb = (window as unknown as LabWindow).jupyterapp.shell.currentWidget!.content;
      const cell = nb.widgets.find((w) => ((w.model.getMetadata('tags') as string[] | undefined) ?? []).includes('parameters'));
      if (!cell) throw new Error('no cell tagged "parameters"');
      let source = cell.model.sharedModel.getSource();
      for (const [name, value] of Object.entries(params)) source = source.replace(new RegExp(`(let\\s+${name}\\s*:\\s*\\w+\\s*=\\s*)[^;]+;`), `$1${value};`);
      cell.model.sharedModel.setSource(source);
    }, PARAMETERS);
    await page.evaluate(() => (window as unknown as LabWindow).jupyterapp.commands.execute('notebook:run-all-cells'));
    await page.waitForFunction(() => {
      const w = (window as unknown as LabWindow).jupyterapp.shell.currentWidget!;
      const code = w.content.widgets.filter((c) => c.model.type === 'code');
      return w.sessionContext.session?.kernel?.status === 'idle' && code.every((c) => (c.model.executionCount ?? 0) > 0);
    }, undefined, { timeout: 400_000, polling: 1000 });

    const seen = await page.evaluate(() => {
      const outputs = Array.from(document.querySelectorAll('.jp-OutputArea-output'));
      return {
        errors: outputs
          .filter((o) => ['application/vnd.jupyter.error', 'application/vnd.jupyter.stderr'].includes(o.getAttribute('data-mime-type') ?? ''))
          .map((o) => (o.textContent ?? '').slice(0, 300)),
        tables: document.querySelectorAll('.jp-OutputArea-output .digit-lab-table').length,
        plotly: document.querySelectorAll('.jp-RenderedPlotly .main-svg').length,
        // jupyterlab-plotly draws into the output node itself; plotly.js leaves its live state there.
        plotlyInteractive: Array.from(document.querySelectorAll('.jp-RenderedPlotly')).filter((p) => (p as unknown as { _fullLayout?: unknown })._fullLayout && p.querySelector('.modebar-container')).length,
        images: Array.from(document.querySelectorAll('.jp-OutputArea-output img')).filter((i) => (i as HTMLImageElement).naturalWidth > 0).length,
        progress: Array.from(document.querySelectorAll('.jp-OutputArea-output .digit-lab-progress')).map((p) => p.textContent ?? ''),
        pads: document.querySelectorAll('.jp-OutputArea-output [data-dlp="canvas"]').length,
      };
    });
    assert.deepEqual(seen.errors, [], 'no cell shows an error or stderr text');
    assert.ok(seen.tables >= 8, `tables (engine, data, counts, model, history, metrics...): ${seen.tables}`);
    assert.ok(seen.plotly >= 3 && seen.plotlyInteractive >= 3, `plotly charts drawn by jupyterlab-plotly: ${seen.plotly} (${seen.plotlyInteractive} live)`);
    assert.ok(seen.images >= 10, `pictures: ${seen.images}`);
    assert.equal(seen.progress.length, 1, 'one progress display, updated in place');
    assert.match(seen.progress[0], /done after 1 epoch/);
    assert.equal(seen.pads, 2, 'the digit pad and the number pad mounted');

    const card = page.locator('.jp-OutputArea-output .dlp-card').first();
    await waitForSteadyBox(page, card);
    const drawn = await drawWithMouse(page, card, DIGIT_STROKES[2].strokes);
    assert.ok(drawn.updates > 0 && drawn.digit !== null && drawn.probabilities?.length === 10, `the pad read the drawing: ${JSON.stringify(drawn)}`);
    // The wide pad: three digits written in a row are read as a number, each with its box.
    const numberCard = page.locator('.jp-OutputArea-output .dlp-card.dlp-wide').first();
    await waitForSteadyBox(page, numberCard);
    const written = await writeWithMouse(page, numberCard, numberStrokes([1, 0, 7]));
    assert.equal(written.digits.length, 3, `the number pad found three digits: ${JSON.stringify(written)}`);
    assert.equal(written.boxes, 3, 'a box over each digit');
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(blocked, [], 'the page fetched nothing from the network');
  });

  for (const theme of ['JupyterLab Light', 'JupyterLab Dark']) {
    it(`${theme}: the text of tables, captions, labels, progress and the pad reads at 4.5:1 or more`, async () => {
      await page.evaluate((t) => (window as unknown as LabWindow).jupyterapp.commands.execute('apputils:change-theme', { theme: t }), theme);
      await page.waitForFunction((light) => document.body.dataset.jpThemeLight === String(light), theme.endsWith('Light'), { timeout: 30_000 });
      await page.waitForTimeout(1000);
      // A picture to look at when something reads badly (the classic suite leaves one too).
      await page.locator('.jp-OutputArea-output .digit-lab-table').first().scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(os.tmpdir(), `digit-lab-e2e-jupyterlab-${theme.split(' ')[1].toLowerCase()}.png`) });
      await assertReadableOutputs();
    });
  }

  it("a console on the notebook's kernel (Lab asks it for history) leaves no error text in any cell", async () => {
    await page.evaluate(() => (window as unknown as LabWindow).jupyterapp.commands.execute('notebook:create-console').then(() => undefined));
    await page.waitForSelector('.jp-CodeConsole', { timeout: 60_000 });
    // Lab asks the kernel for the console's history as it opens; give the answer (or the error) time.
    await page.waitForTimeout(3000);
    // Back to the notebook (the console stays open beside it, on the same kernel).
    await page.evaluate(() => (window as unknown as LabWindow).jupyterapp.commands.execute('docmanager:open', { path: 'notebooks/Digit_Recognizer.ipynb' }).then(() => undefined));
    await page.waitForFunction(() => Boolean((window as unknown as LabWindow).jupyterapp.shell.currentWidget?.context?.path?.endsWith('.ipynb')), undefined, { timeout: 30_000 });
    const stderr = await page.evaluate(() =>
      Array.from(document.querySelectorAll('.jp-Notebook .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')).map((o) => o.textContent ?? ''));
    assert.deepEqual(stderr, []);
  });

  it('saved and reloaded: the outputs come back, the pad works again, and the dark theme stays readable', async function () {
    this.timeout(180_000);
    await page.evaluate(() => (window as unknown as LabWindow).jupyterapp.commands.execute('docmanager:save'));
    await page.waitForFunction(() => !(window as unknown as LabWindow).jupyterapp.shell.currentWidget!.context.model.dirty, undefined, { timeout: 30_000 });
    const saved = JSON.parse(fs.readFileSync(notebookFile, 'utf8'));
    assert.ok(saved.cells.some((c: { outputs?: unknown[] }) => (c.outputs ?? []).length > 0), 'the outputs were saved');
    await page.goto(notebookUrl(), { timeout: 90_000 });
    await waitForIdleKernel();
    await page.waitForSelector('.jp-OutputArea-output .dlp-card [data-dlp="canvas"]', { timeout: 60_000 });
    const card = page.locator('.jp-OutputArea-output .dlp-card').first();
    await waitForSteadyBox(page, card);
    const drawn = await drawWithMouse(page, card, DIGIT_STROKES[0].strokes);
    assert.ok(drawn.updates > 0 && drawn.digit !== null, `the reloaded pad reads: ${JSON.stringify(drawn)}`);
    assert.equal(await page.evaluate(() => document.body.dataset.jpThemeLight), 'false', 'the dark theme was kept');
    await assertReadableOutputs();
  });

  it('untrusted (changed outside Lab): the pad shows only its notice; trusting the notebook mounts it, no kernel run', async function () {
    this.timeout(180_000);
    // Any change outside Lab voids the signature Lab stored on save: the copy opens untrusted.
    const copy = JSON.parse(fs.readFileSync(notebookFile, 'utf8'));
    copy.metadata.digit_lab_copy = true;
    fs.writeFileSync(path.join(sandbox!.notebooksDir, 'Untrusted.ipynb'), JSON.stringify(copy, null, 1));
    await page.goto(`${lab!.base}/lab/tree/notebooks/Untrusted.ipynb?token=${token}&reset`, { timeout: 90_000 });
    await waitForIdleKernel();
    const notice = page.locator('.jp-OutputArea-output .dlp-notice').first();
    await notice.waitFor({ timeout: 60_000 });
    assert.match((await notice.textContent()) ?? '', /trust/i, 'the notice says trusting is what shows the pad');
    assert.equal(await page.locator('.jp-OutputArea-output [data-dlp="canvas"]').count(), 0, 'no pad while untrusted');
    void page.evaluate(() => (window as unknown as LabWindow).jupyterapp.commands.execute('notebook:trust').then(() => undefined));
    await page.locator('.jp-Dialog .jp-mod-accept').click({ timeout: 30_000 });
    await page.waitForSelector('.jp-OutputArea-output .dlp-card [data-dlp="canvas"]', { timeout: 60_000 });
    const card = page.locator('.jp-OutputArea-output .dlp-card').first();
    await waitForSteadyBox(page, card);
    const drawn = await drawWithMouse(page, card, DIGIT_STROKES[1].strokes);
    assert.ok(drawn.updates > 0 && drawn.digit !== null, `the trusted pad reads: ${JSON.stringify(drawn)}`);
  });
});
