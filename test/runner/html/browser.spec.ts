/**
 * The exported page in a real browser (Debian's headless Chromium via playwright-core) with the
 * network cut off: every output renders, the plotly chart draws, math is typeset with the inlined
 * fonts, the console stays clean and no request leaves the machine.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { renderNotebookHtml } from '../../../lib/runner/html';
import { sampleNotebook } from '../../fixtures/html/sample-notebook';
import { chromiumUnavailable, explainBrowserFailure, launchChromium, offlineContext } from '../../helpers/chromium';
import { skipIf } from '../../helpers/skip';
const SCREENSHOT = path.join(os.tmpdir(), 'digit-lab-html-export.png');

describe('runner/html in headless Chromium @slow', function () {
  this.timeout(60_000);
  let browser: Browser | undefined;
  let dir: string | undefined;
  let page: Page;
  const consoleErrors: string[] = [];
  const blockedRequests: string[] = [];

  before(async function () {
    skipIf(this, chromiumUnavailable());
    dir = mkdtempSync(path.join(os.tmpdir(), 'digit-lab-html-'));
    const file = path.join(dir, 'sample.html');
    writeFileSync(file, renderNotebookHtml(sampleNotebook(), { footer: { parameters: { epochs: 3 } } }));

    const launched = await launchChromium();
    browser = launched;
    await explainBrowserFailure(launched, async () => {
      const { context } = await offlineContext(launched, (url) => url.startsWith('file:') || url.startsWith('data:'), { viewport: { width: 1400, height: 1000 } }, (url) => blockedRequests.push(url));
      page = await context.newPage();
      page.on('console', (msg) => {
        if (msg.type() === 'error') consoleErrors.push(msg.text());
      });
      page.on('pageerror', (err) => consoleErrors.push(`page error: ${err.message}`));
      page.on('requestfailed', (req) => {
        if (!blockedRequests.includes(req.url())) blockedRequests.push(`failed: ${req.url()}`);
      });
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      await page.waitForSelector('.output-plotly svg.main-svg', { timeout: 30_000 });
      await page.evaluate(() => document.fonts.ready.then(() => undefined));
    });
  });

  after(async function () {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('draws the plotly chart', async function () {
    assert.ok((await page.locator('.output-plotly svg.main-svg').count()) >= 1);
    assert.equal(await page.locator('.plotly-failed').count(), 0);
    assert.ok(await page.locator('.output-plotly .scatterlayer .trace').count(), 'the chart has a trace drawn');
  });

  it('shows every image with its pixels decoded', async function () {
    const images = await page.locator('main img').evaluateAll((imgs) =>
      (imgs as HTMLImageElement[]).map((img) => ({ complete: img.complete, width: img.naturalWidth, src: img.src.slice(0, 30) })),
    );
    assert.equal(images.length, 3, 'attachment png, output png, output jpeg');
    for (const image of images) assert.ok(image.complete && image.width === 28, `image ${image.src} decoded`);
  });

  it('renders each output kind', async function () {
    for (const selector of [
      '.output-html table.sample-html',
      '.output-svg svg.sample-svg',
      '.output-latex .katex',
      '.output-json .hljs-attr',
      '.output-markdown strong',
      '.output-markdown .katex',
      '.output-stdout',
      '.output-stderr .ansi-yellow-fg',
      '.output-error .ansi-red-fg',
      '.output-text pre',
    ]) {
      assert.ok(await page.locator(selector).first().isVisible(), `${selector} is visible`);
    }
  });

  it('typesets math with the inlined KaTeX fonts', async function () {
    assert.ok((await page.locator('.markdown-cell .katex').count()) >= 4);
    const fontsLoaded = await page.evaluate(() => document.fonts.check('16px KaTeX_Main') && document.fonts.check('italic 16px KaTeX_Math'));
    assert.ok(fontsLoaded, 'KaTeX_Main and KaTeX_Math are available');
  });

  it('links the table of contents to the headings', async function () {
    const hrefs = await page.locator('nav.toc a').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    assert.deepEqual(hrefs, ['#Loading-the-data', '#Outputs-of-every-kind', '#Training']);
    for (const href of hrefs) assert.equal(await page.locator(href!).count(), 1);
  });

  it('logs no console errors and makes no network requests', async function () {
    await page.screenshot({ path: SCREENSHOT, fullPage: false });
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(blockedRequests, []);
  });
});
