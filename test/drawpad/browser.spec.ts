/**
 * The pad in a real browser (Debian's headless Chromium via playwright-core, network cut off):
 * once in a plain page (two pads that each embed the runtime, one that shares it, RequireJS-style
 * `define` present as in classic Notebook) and once in our HTML export of a notebook whose output
 * is the pad. Strokes of a 1, a 0 and a 7 drawn with the mouse must show the digit and the
 * probabilities that Node computes for the same strokes with the same (uint8) weights.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Notebook } from '../../lib/runner/document/nbformat';
import { renderNotebookHtml } from '../../lib/runner/html';
import { strongCnn, tinyCnn } from '../../lib/model/architectures';
import { withDeskew } from '../../lib/model/deskew-layer';
import { averagedEnsemble, ensembleMemberName } from '../../lib/model/ensemble';
import { digitPadHtml } from '../../lib/drawpad/node';
import type { PadStrokesPrediction } from './oracles';
import { chromiumUnavailable, offlineContext } from '../helpers/chromium';
import { skipIf } from '../helpers/skip';
import { assertMatchesNode, drawWithMouse, launchOffline, openPadPage, settle, shown, worst } from './browser-helpers';
import { builtPadRuntime, DIGIT_STROKES, padNodePredictions, trainedSeedCnn } from './fixtures';

const SCREENSHOT = path.join(os.tmpdir(), 'digit-lab-drawpad.png');

/** Records the pointerType of every pointerdown on the pad's canvas, for `pointerTypes`. */
/** The points along a stroke after its first, each segment walked in 6 equal steps. */
function strokeSteps(points: readonly (readonly [number, number])[]): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 1; i < points.length; i++) {
    const [a, b] = [points[i - 1], points[i]];
    for (let s = 1; s <= 6; s++) out.push([a[0] + ((b[0] - a[0]) * s) / 6, a[1] + ((b[1] - a[1]) * s) / 6]);
  }
  return out;
}

async function recordPointerTypes(page: Page): Promise<void> {
  await page.evaluate(() => {
    const types: string[] = [];
    (window as unknown as { __pointerTypes: string[] }).__pointerTypes = types;
    document.querySelector('[data-dlp="canvas"]')!.addEventListener('pointerdown', (e) => types.push((e as PointerEvent).pointerType));
  });
}

const pointerTypes = (page: Page) => page.evaluate(() => (window as unknown as { __pointerTypes: string[] }).__pointerTypes);

function padNotebook(html: string): Notebook {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
    cells: [
      { cell_type: 'markdown', id: 'intro', metadata: {}, source: '# Draw a digit\nThe model below runs in your browser.' },
      {
        cell_type: 'code', id: 'pad', metadata: {}, execution_count: 1, source: 'await drawDigitPad(model);',
        outputs: [{ output_type: 'display_data', metadata: {}, data: { 'text/html': html, 'text/plain': '[drawing pad]' } }],
      },
    ],
  } as unknown as Notebook;
}

describe('drawpad in headless Chromium @slow', function () {
  this.timeout(180_000);
  let browser: Browser | undefined;
  let context: BrowserContext;
  let dir: string | undefined;
  let node = new Map<number, PadStrokesPrediction>();
  const problems: string[] = [];
  const files: Record<'page' | 'report' | 'strong' | 'deskewed', string> = { page: '', report: '', strong: '', deskewed: '' };
  let strongNode: Map<number, PadStrokesPrediction>;
  let deskewedNode: Map<number, PadStrokesPrediction>;

  before(async function () {
    skipIf(this, chromiumUnavailable());
    await builtPadRuntime();
    const model = await trainedSeedCnn();
    node = await padNodePredictions(model);

    dir = mkdtempSync(path.join(os.tmpdir(), 'digit-lab-drawpad-'));
    const first = digitPadHtml(model, { title: 'First pad' });
    const second = digitPadHtml(model, { title: 'Second pad' });
    const shared = digitPadHtml(model, { title: 'Shared runtime', runtime: 'shared' });
    // A RequireJS-style define (as classic Notebook has) must not be called by the runtime.
    const amd = '<script>window.__amdCalls=0;window.define=function(){window.__amdCalls++;};window.define.amd={};</script>';
    files.page = path.join(dir, 'pads.html');
    writeFileSync(files.page, `<!doctype html><html><head><meta charset="utf-8"><title>pads</title>${amd}</head><body>${first}${second}${shared}</body></html>`);
    files.report = path.join(dir, 'report.html');
    writeFileSync(files.report, renderNotebookHtml(padNotebook(first)));
    // The stronger model (batch norm, dropout), untrained: only its layers and kernels matter here.
    const strong = strongCnn({ seed: 3 });
    strongNode = await padNodePredictions(strong);
    files.strong = path.join(dir, 'strong.html');
    writeFileSync(files.strong, `<!doctype html><html><head><meta charset="utf-8"><title>strong</title></head><body>${digitPadHtml(strong)}</body></html>`);
    strong.dispose();
    // An ensemble with a deskewed member (the long recipe's shape), untrained: the page must know the Deskew layer.
    const mixed = averagedEnsemble([
      tinyCnn({ seed: 5, name: ensembleMemberName(1) }),
      withDeskew(strongCnn({ seed: 6 }), ensembleMemberName(2)),
    ]);
    deskewedNode = await padNodePredictions(mixed);
    files.deskewed = path.join(dir, 'deskewed.html');
    writeFileSync(files.deskewed, `<!doctype html><html><head><meta charset="utf-8"><title>deskewed</title></head><body>${digitPadHtml(mixed)}</body></html>`);
    mixed.dispose();

    ({ browser, context } = await launchOffline(problems));
  });

  after(async function () {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const open = (file: string): Promise<Page> => openPadPage(context, file, problems);

  /** A cleared pad in a new page of the report that records pointer types, and a CDP session for raw input. */
  async function rawInputPad() {
    const page = await open(files.report);
    const card = page.locator('.dlp-card');
    await card.locator('[data-dlp="clear"]').click();
    const box = (await card.locator('[data-dlp="canvas"]').boundingBox())!;
    await recordPointerTypes(page);
    const cdp = await context.newCDPSession(page);
    return { page, card, box, cdp };
  }

  it('loads the runtime once for several pads, without touching RequireJS', async function () {
    const page = await open(files.page);
    const { loads, amdCalls, cards } = await page.evaluate(() => ({
      loads: (window as unknown as { __digitLabPadLoads: number }).__digitLabPadLoads,
      amdCalls: (window as unknown as { __amdCalls: number }).__amdCalls,
      cards: document.querySelectorAll('.dlp-card').length,
    }));
    assert.equal(cards, 3);
    assert.equal(loads, 1, 'the runtime bundle ran once');
    assert.equal(amdCalls, 0);
    await page.close();
  });

  it('shows the Node prediction for a 1, a 0 and a 7 drawn with the mouse, and works on every pad', async function () {
    const page = await open(files.page);
    const cards = page.locator('.dlp-card');
    for (const { digit, strokes } of DIGIT_STROKES) {
      assertMatchesNode(await drawWithMouse(page, cards.nth(0), strokes), node.get(digit)!, digit, 'pad 1');
    }
    // The second pad (its runtime copy skipped) and the shared-runtime pad work as well.
    const { digit, strokes } = DIGIT_STROKES[2];
    for (const c of [1, 2]) assertMatchesNode(await drawWithMouse(page, cards.nth(c), strokes), node.get(digit)!, digit, `pad ${c + 1}`);
    await page.close();
  });

  it('works the same in the HTML export of a notebook, and clears', async function () {
    const page = await open(files.report);
    const card = page.locator('.dlp-card');
    assert.equal(await card.count(), 1);
    for (const { digit, strokes } of DIGIT_STROKES) {
      const state = await drawWithMouse(page, card, strokes);
      assertMatchesNode(state, node.get(digit)!, digit, 'report');
      assert.ok(state.updates > 1, 'recognition ran while the stroke was drawn');
      if (digit === 7) await card.screenshot({ path: SCREENSHOT });
    }
    await card.locator('[data-dlp="clear"]').click();
    await settle(page);
    const cleared = await shown(card);
    assert.equal(cleared.text, '\u2013');
    assert.equal(cleared.digit, null);
    assert.equal(await card.locator('.dlp-row.dlp-top').count(), 0);
    await page.close();
  });

  /** Draws each test digit on the single pad of `file` and checks it shows Node's prediction of the same model. */
  async function assertPadMatchesNode(file: string, expectedFor: Map<number, PadStrokesPrediction>, what: string): Promise<void> {
    const page = await open(file);
    const card = page.locator('.dlp-card');
    for (const { digit, strokes } of DIGIT_STROKES) {
      const expected = expectedFor.get(digit)!;
      assertMatchesNode(await drawWithMouse(page, card, strokes), expected, expected.digit, `${what}, drawn ${digit}`);
    }
    await page.close();
  }

  it('runs the stronger model (batch norm, dropout) the same as Node does', async function () {
    await assertPadMatchesNode(files.strong, strongNode, 'strong model');
  });

  it('runs an ensemble with a deskewed member the same as Node does', async function () {
    await assertPadMatchesNode(files.deskewed, deskewedNode, 'ensemble with a deskewed member');
  });

  it('draws with touch (pointer events from a touchscreen)', async function () {
    const { page, card, box, cdp } = await rawInputPad();
    const { strokes, digit } = DIGIT_STROKES[0];
    const points = strokes[0];
    const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', p?: readonly [number, number]) =>
      cdp.send('Input.dispatchTouchEvent', { type, touchPoints: p ? [{ x: box.x + p[0], y: box.y + p[1] }] : [] });
    await touch('touchStart', points[0]);
    for (const p of strokeSteps(points)) await touch('touchMove', p);
    await touch('touchEnd');
    await settle(page);
    assert.deepEqual(await pointerTypes(page), ['touch']);
    assertMatchesNode(await shown(card), node.get(digit)!, digit, 'touch');
    await page.close();
  });

  it('draws with a pen (pointerType "pen")', async function () {
    const { page, card, box, cdp } = await rawInputPad();
    const { strokes, digit } = DIGIT_STROKES[2];
    const pen = (type: 'mousePressed' | 'mouseMoved' | 'mouseReleased', p: readonly [number, number]) =>
      cdp.send('Input.dispatchMouseEvent', { type, x: box.x + p[0], y: box.y + p[1], button: 'left', buttons: type === 'mouseReleased' ? 0 : 1, clickCount: 1, pointerType: 'pen', force: 0.5 });
    const points = strokes[0];
    await pen('mousePressed', points[0]);
    for (const p of strokeSteps(points)) await pen('mouseMoved', p);
    await pen('mouseReleased', points[points.length - 1]);
    await settle(page);
    assert.deepEqual(await pointerTypes(page), ['pen']);
    assertMatchesNode(await shown(card), node.get(digit)!, digit, 'pen');
    await page.close();
  });

  it('logs no errors and makes no network requests while each page loads and recognises a digit', async function () {
    // Its own pages in its own context with its own record, so it checks something even alone;
    // what the tests above saw is checked too.
    const own: string[] = [];
    const { context: watched } = await offlineContext(
      browser!,
      (url) => url.startsWith('file:') || url.startsWith('data:'),
      { viewport: { width: 1100, height: 900 } },
      (url) => own.push(`network request: ${url}`),
    );
    try {
      const { digit, strokes } = DIGIT_STROKES[0];
      for (const file of [files.page, files.report, files.strong, files.deskewed]) {
        const page = await openPadPage(watched, file, own);
        const cards = page.locator('.dlp-card');
        for (let i = 0; i < (await cards.count()); i++) {
          assert.ok((await drawWithMouse(page, cards.nth(i), strokes)).updates > 0, `${path.basename(file)} pad ${i + 1} recognised the ${digit}`);
        }
      }
    } finally {
      await watched.close();
    }
    assert.deepEqual(own, [], 'console errors, page errors or network requests while loading and drawing');
    assert.deepEqual(problems, [], 'in the tests above');
    console.log(`      ${JSON.stringify({ bench: 'drawpad-browser-vs-node', maxProbabilityDiff: Number(worst.probability.toFixed(5)), maxInputPixelDiff: Number(worst.input.toFixed(4)) })}`);
  });
});
