/** Driving the pad in headless Chromium (shared by the browser and kernel specs). */
import { strict as assert } from 'node:assert';
import { pathToFileURL } from 'node:url';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { NUMBER_PAD_HEIGHT, NUMBER_PAD_WIDTH, PAD_CANVAS_SIZE } from '../../lib/drawpad/node';
import type { NumberPadState } from '../../lib/drawpad/browser/payload-types';
import { DIGIT_STROKES } from './fixtures';
import type { PadStroke, PadStrokesPrediction } from './oracles';
import { explainBrowserFailure, launchChromium, offlineContext } from '../helpers/chromium';

/**
 * Launches Chromium with every request blocked but file:, data: and those `allow` accepts; each
 * blocked request is added to `problems` (tests assert it stays empty).
 */
export async function launchOffline(
  problems: string[],
  allow: (url: string) => boolean = () => false,
): Promise<{ browser: Browser; context: BrowserContext }> {
  const browser = await launchChromium();
  try {
    const { context } = await offlineContext(
      browser,
      (url) => url.startsWith('file:') || url.startsWith('data:') || allow(url),
      { viewport: { width: 1100, height: 900 }, hasTouch: true },
      (url) => problems.push(`network request: ${url}`),
    );
    return { browser, context };
  } catch (err) {
    await browser.close();
    throw err;
  }
}

/** Opens a page and waits until every pad on it is ready; console errors go to `problems`. */
export async function openPadPage(context: BrowserContext, file: string, problems: string[]): Promise<Page> {
  // A failure here says how Chromium ended, if it did (see chromiumDiagnosis).
  return explainBrowserFailure(context, async () => {
    const page = await context.newPage();
    page.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`console ${msg.type()}: ${msg.text()}`);
    });
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    await page.waitForFunction(() => {
      const cards = Array.from(document.querySelectorAll('.dlp-card'));
      return cards.length > 0 && cards.every((c) => c.getAttribute('data-dlp-status') === 'ready');
    }, undefined, { timeout: 30_000 });
    return page;
  });
}

export interface ShownState {
  text: string;
  digit: number | null;
  probabilities: number[] | null;
  input: number[] | null;
  updates: number;
}

/** Waits two animation frames: a recognition scheduled by the last pointer event has run. */
export async function settle(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
}

export async function shown(card: Locator): Promise<ShownState> {
  return card.evaluate((el) => {
    const state = (el as HTMLElement & { digitLabPadState: ShownState }).digitLabPadState;
    const text = el.querySelector('[data-dlp="digit"]')!.textContent ?? '';
    return { text, digit: state.digit, probabilities: state.probabilities, input: state.input, updates: state.updates };
  });
}

/**
 * Waits until `target` has kept its position and size for `quietMs` (a front end still laying
 * out its page, such as classic Notebook's header after a reload, would move strokes aimed at it).
 */
export async function waitForSteadyBox(page: Page, target: Locator, quietMs = 1000, timeoutMs = 15_000): Promise<void> {
  const started = Date.now();
  let last = JSON.stringify(await target.boundingBox());
  let since = Date.now();
  while (Date.now() - since < quietMs) {
    if (Date.now() - started > timeoutMs) throw new Error(`the pad kept moving for ${timeoutMs} ms (last box ${last})`);
    await page.waitForTimeout(100);
    const box = JSON.stringify(await target.boundingBox());
    if (box !== last) {
      last = box;
      since = Date.now();
    }
  }
}

/** Clears the pad and draws `strokes` (canvas pixels) with the mouse. */
export async function drawWithMouse(page: Page, card: Locator, strokes: readonly PadStroke[]): Promise<ShownState> {
  await card.locator('[data-dlp="clear"]').click();
  const canvas = card.locator('[data-dlp="canvas"]');
  await canvas.scrollIntoViewIfNeeded();
  const box = (await canvas.boundingBox())!;
  const at = (p: readonly [number, number]): [number, number] => [box.x + (p[0] * box.width) / PAD_CANVAS_SIZE, box.y + (p[1] * box.height) / PAD_CANVAS_SIZE];
  for (const stroke of strokes) {
    await page.mouse.move(...at(stroke[0]));
    await page.mouse.down();
    for (const p of stroke.slice(1)) await page.mouse.move(...at(p), { steps: 6 });
    await page.mouse.up();
  }
  await settle(page);
  return shown(card);
}

/** Largest differences seen between the page and Node, printed at the end. */
export const worst = { probability: 0, input: 0 };

export function assertMatchesNode(state: ShownState, node: PadStrokesPrediction, expected: number, where: string): void {
  assert.equal(state.text, String(expected), `${where}: the pad shows ${state.text} for a ${expected}`);
  assert.equal(state.digit, node.digit, `${where}: pad and Node agree`);
  const diff = Math.max(...state.probabilities!.map((p, d) => Math.abs(p - node.probabilities[d])));
  assert.ok(diff < 0.005, `${where}: probabilities differ from Node's by ${diff.toFixed(4)}`);
  const inputDiff = Math.max(...state.input!.map((v, i) => Math.abs(v - node.input[i])));
  worst.probability = Math.max(worst.probability, diff);
  worst.input = Math.max(worst.input, inputDiff);
  assert.ok(inputDiff < 0.1, `${where}: the 28x28 input differs from Node's by up to ${inputDiff.toFixed(3)}`);
}

/** The test digits' strokes placed side by side on the wide pad, 40 px apart, centred. */
export function numberStrokes(digits: number[]): PadStroke[] {
  const pen = 10;
  const parts = digits.map((d) => {
    const { strokes } = DIGIT_STROKES.find((s) => s.digit === d)!;
    const xs = strokes.flat().map((p) => p[0]);
    return { strokes, left: Math.min(...xs) - pen, right: Math.max(...xs) + pen };
  });
  const gap = 40;
  const total = parts.reduce((w, p) => w + p.right - p.left, 0) + gap * (parts.length - 1);
  let x = (NUMBER_PAD_WIDTH - total) / 2;
  const out: PadStroke[] = [];
  for (const p of parts) {
    const dx = x - p.left;
    for (const s of p.strokes) out.push(s.map(([px, py]) => [px + dx, py] as const));
    x += p.right - p.left + gap;
  }
  return out;
}

/** What the number pad shows and holds after a reading. */
export type PadReading = Pick<NumberPadState, 'text' | 'digits' | 'warnings' | 'updates' | 'judged'> & { boxes: number; chips: string[]; shown: string };

/** The number pad's state and what it shows. */
export async function padReading(card: Locator): Promise<PadReading> {
  return card.evaluate((el) => {
    const s = (el as HTMLElement & { digitLabPadState: NumberPadState }).digitLabPadState;
    return {
      text: s.text, digits: s.digits, warnings: s.warnings, updates: s.updates, judged: s.judged,
      boxes: el.querySelectorAll('[data-dlp="box"]').length,
      chips: Array.from(el.querySelectorAll('[data-dlp="chip"]')).map((c) => c.textContent ?? ''),
      shown: el.querySelector('[data-dlp="text"]')!.textContent ?? '',
    };
  });
}

/** Clears the pad, writes `strokes` (canvas pixels) with the mouse and waits for the reading. */
export async function writeWithMouse(tab: Page, card: Locator, strokes: readonly PadStroke[]): Promise<PadReading> {
  await card.locator('[data-dlp="clear"]').click();
  const canvas = card.locator('[data-dlp="canvas"]');
  await canvas.scrollIntoViewIfNeeded();
  const box = (await canvas.boundingBox())!;
  const at = (p: readonly [number, number]): [number, number] => [box.x + (p[0] * box.width) / NUMBER_PAD_WIDTH, box.y + (p[1] * box.height) / NUMBER_PAD_HEIGHT];
  for (const stroke of strokes) {
    await tab.mouse.move(...at(stroke[0]));
    await tab.mouse.down();
    for (const p of stroke.slice(1)) await tab.mouse.move(...at(p), { steps: 6 });
    await tab.mouse.up();
  }
  await tab.waitForFunction(
    (el) => !(el as HTMLElement & { digitLabPadState: NumberPadState }).digitLabPadState.busy,
    await card.elementHandle(),
    { timeout: 15_000, polling: 'raf' },
  );
  return padReading(card);
}
