/**
 * The exported page follows the reader's colour scheme: in headless Chromium, with
 * `prefers-color-scheme` emulated light and then dark, every visible text (markdown, code,
 * streams, digit-lab's tables, captions, labels, progress, and the plotly charts' text) has at
 * least 4.5:1 contrast against what is behind it, and the page really changes between the two.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { renderNotebookHtml } from '../../../lib/runner/html';
import { chromiumUnavailable, explainBrowserFailure, launchChromium, offlineContext } from '../../helpers/chromium';
import { type ContrastReport, findLowContrastText, formatFindings } from '../../helpers/page-contrast';
import { skipIf } from '../../helpers/skip';
import { themedNotebook } from './themed-notebook';

describe('runner/html dark mode in headless Chromium @slow', function () {
  this.timeout(90_000);
  let browser: Browser | undefined;
  let dir: string | undefined;
  let page: Page;
  const pageErrors: string[] = [];

  before(async function () {
    skipIf(this, chromiumUnavailable());
    dir = mkdtempSync(path.join(os.tmpdir(), 'digit-lab-dark-'));
    const file = path.join(dir, 'themed.html');
    writeFileSync(file, renderNotebookHtml(themedNotebook(), { footer: { parameters: { epochs: 2 } } }));
    const launched = await launchChromium();
    browser = launched;
    await explainBrowserFailure(launched, async () => {
      const { context } = await offlineContext(launched, (url) => url.startsWith('file:') || url.startsWith('data:'), { viewport: { width: 1400, height: 1000 } });
      page = await context.newPage();
      page.on('pageerror', (err) => pageErrors.push(err.message));
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      await page.waitForFunction(() => document.querySelectorAll('.output-plotly svg.main-svg').length >= 4, undefined, { timeout: 30_000 });
      await page.evaluate(() => document.fonts.ready.then(() => undefined));
    });
  });

  after(async function () {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function scan(scheme: 'light' | 'dark'): Promise<ContrastReport> {
    await page.emulateMedia({ colorScheme: scheme });
    return findLowContrastText(page, { root: 'body' });
  }

  for (const scheme of ['light', 'dark'] as const) {
    it(`every text has at least 4.5:1 contrast in the ${scheme} scheme`, async function () {
      const report = await scan(scheme);
      assert.deepEqual(report.offenders, [], `${scheme}: text below 4.5:1\n${formatFindings(report.offenders)}`);
      assert.ok(report.checked >= 300, `${scheme}: measured ${report.checked} texts, expected the whole page`);
      // Only the heatmap's counts sit on a picture (plotly draws heatmaps as an image).
      const unknown = report.unknown.filter((u) => !/^\d+$/.test(u.text));
      assert.deepEqual(unknown, [], `${scheme}: texts whose background is unknown`);
    });
  }

  it('really switches: page, tables and chart text change colour with the scheme', async function () {
    const sample = () => page.evaluate(() => {
      const colour = (sel: string, prop: 'color' | 'backgroundColor' | 'fill') => getComputedStyle(document.querySelector(sel)!)[prop];
      return {
        page: colour('body', 'backgroundColor'),
        cell: colour('.digit-lab-table td', 'color'),
        caption: colour('.digit-lab-table caption', 'color'),
        tick: colour('.output-plotly .xtick text', 'fill'),
        paper: colour('.output-plotly svg.main-svg', 'backgroundColor'),
      };
    });
    await page.emulateMedia({ colorScheme: 'light' });
    const light = await sample();
    await page.emulateMedia({ colorScheme: 'dark' });
    const dark = await sample();
    for (const key of Object.keys(light) as (keyof typeof light)[]) assert.notEqual(dark[key], light[key], `${key} changes`);
    assert.equal(light.page, 'rgb(255, 255, 255)');
    assert.equal(dark.paper, 'rgba(0, 0, 0, 0)', 'the chart is transparent on the dark page');
    await page.screenshot({ path: path.join(os.tmpdir(), 'digit-lab-html-dark.png'), fullPage: false });
  });

  it('prints in light colours whatever the screen scheme', async function () {
    await page.emulateMedia({ colorScheme: 'dark', media: 'print' });
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await page.emulateMedia({ media: 'screen' });
    assert.equal(background, 'rgb(255, 255, 255)');
  });

  it('raises no page errors', function () {
    assert.deepEqual(pageErrors, []);
  });
});
