/**
 * Headless Debian Chromium for the browser specs: where it is, how to launch it, no network, and a
 * record of how the browser and its pages ended, so a failure says why the browser went away.
 */
import * as fs from 'fs';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.DIGIT_LAB_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Flags that keep Chromium from calling home (and that work as root in a container); Chromium's
 * own log goes to stderr, where launchChromium keeps its tail. Playwright adds its defaults,
 * `--disable-dev-shm-usage` among them, so a small /dev/shm cannot starve a big page.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--enable-logging=stderr',
];

/** How much of Chromium's stderr is kept for a failure message. */
const STDERR_TAIL = 16_384;

/** Why Chromium cannot be used here, or null when it can. */
export function chromiumUnavailable(): string | null {
  return fs.existsSync(CHROMIUM) ? null : `no Chromium at ${CHROMIUM} (install the Debian package "chromium" or set DIGIT_LAB_CHROMIUM)`;
}

/** What happened to one launched browser: events in order and the tail of its stderr. */
class BrowserRecord {
  readonly started = Date.now();
  readonly events: string[] = [];
  stderr = '';
  pid: number | undefined;

  note(event: string): void {
    this.events.push(`+${((Date.now() - this.started) / 1000).toFixed(1)} s ${event}`);
  }

  keepStderr(chunk: Buffer): void {
    this.stderr = (this.stderr + chunk.toString('utf8')).slice(-STDERR_TAIL);
  }
}

const records = new WeakMap<Browser, BrowserRecord>();

/** The first line of the caller outside this file and playwright-core, to say who closed what. */
function caller(): string {
  const lines = (new Error().stack ?? '').split('\n').slice(2);
  return lines.find((l) => !l.includes(__filename) && !l.includes('playwright-core') && !l.includes('node:internal'))?.trim() ?? 'unknown caller';
}

function watchPage(record: BrowserRecord, page: Page, label: string): void {
  page.on('crash', () => record.note(`${label} crashed (renderer process died)`));
  page.on('close', () => record.note(`${label} closed`));
  const close = page.close.bind(page);
  page.close = (options) => {
    record.note(`${label}.close() called ${caller()}`);
    return close(options);
  };
}

function watchContext(record: BrowserRecord, context: BrowserContext, label: string): void {
  let pages = 0;
  context.on('page', (page) => watchPage(record, page, `${label} page ${++pages}`));
  context.on('close', () => record.note(`${label} closed`));
  const close = context.close.bind(context);
  context.close = (options) => {
    record.note(`${label}.close() called ${caller()}`);
    return close(options);
  };
}

/**
 * Headless Chromium with CHROMIUM_ARGS. It is started as a browser server so that its process is
 * ours to watch: its stderr, its exit status, page crashes and every close (and who asked for
 * it) are recorded for chromiumDiagnosis. `browser.close()` also ends the browser process.
 */
export async function launchChromium(): Promise<Browser> {
  const record = new BrowserRecord();
  // Playwright's default SIGHUP/SIGTERM handlers close every browser and let the test process
  // run on, so a hang-up or a stop request turned into "Target page, context or browser has been
  // closed" in whatever test was loading a page. Without them the signal ends the run, as it
  // should, and Chromium follows when its debugging pipe closes. Ctrl-C still closes it first.
  const server = await chromium.launchServer({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, host: '127.0.0.1', handleSIGHUP: false, handleSIGTERM: false });
  const proc = server.process();
  record.pid = proc.pid;
  record.note(`Chromium started (pid ${proc.pid})`);
  proc.stderr?.on('data', (chunk: Buffer) => record.keepStderr(chunk));
  proc.stdout?.on('data', (chunk: Buffer) => record.keepStderr(chunk));
  proc.once('exit', (code, signal) => record.note(`Chromium process exited (${signal ? `signal ${signal}` : `code ${code}`})`));
  // A second server.close() while the first is under way kills the process: close it once.
  let closing: Promise<void> | undefined;
  const closeServer = () => (closing ??= server.close());
  let browser: Browser;
  try {
    browser = await chromium.connect(server.wsEndpoint());
  } catch (err) {
    await closeServer();
    throw err;
  }
  records.set(browser, record);
  browser.on('disconnected', () => {
    record.note('browser disconnected');
    // A connected client's close leaves the server's browser running: end it too.
    void closeServer().catch(() => undefined);
  });
  // Playwright has no event for a new context, so the two ways to make one are wrapped.
  let contexts = 0;
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContext(options);
    watchContext(record, context, `context ${++contexts}`);
    return context;
  };
  const newPage = browser.newPage.bind(browser);
  browser.newPage = async (options) => {
    const page = await newPage(options);
    const label = `context ${++contexts}`;
    watchContext(record, page.context(), label);
    watchPage(record, page, `${label} page 1`);
    return page;
  };
  const close = browser.close.bind(browser);
  browser.close = async (options) => {
    record.note(`browser.close() called ${caller()}`);
    try {
      await close(options);
    } finally {
      await closeServer();
    }
  };
  return browser;
}

/**
 * What is known about how `browser` and its pages ended: the recorded events (crashes, closes
 * and who asked for them, the process's exit status) and the tail of Chromium's stderr.
 */
export function chromiumDiagnosis(of: Browser | BrowserContext | Page | undefined): string {
  const browser = of && ('newContext' in of ? of : 'browser' in of ? of.browser() : of.context().browser());
  const record = browser && records.get(browser);
  if (!record) return 'Chromium: no record (not started by launchChromium)';
  const stderr = record.stderr.trim().split('\n').slice(-40).join('\n');
  return `Chromium (pid ${record.pid}) events:\n  ${record.events.join('\n  ')}\nChromium stderr (tail):\n${stderr || '(empty)'}`;
}

/**
 * Runs `step`; when it fails, the error's message gets chromiumDiagnosis(browser) appended (the
 * browser of a context or page will do), so a "Target page, context or browser has been closed"
 * says why.
 */
export async function explainBrowserFailure<T>(browser: Browser | BrowserContext | Page | undefined, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    if (err instanceof Error) {
      // Let Chromium's exit and the disconnect land before they are described.
      await new Promise((resolve) => setTimeout(resolve, 200));
      err.message += `\n${chromiumDiagnosis(browser)}`;
    }
    throw err;
  }
}

/**
 * A browser context that lets only the `allowed` URLs through; every other request is aborted and
 * recorded in `blocked` (and passed to `onBlocked`), so tests can assert nothing left the machine.
 */
export async function offlineContext(
  browser: Browser,
  allowed: (url: string) => boolean,
  options: BrowserContextOptions = { viewport: { width: 1280, height: 1000 } },
  onBlocked?: (url: string) => void,
): Promise<{ context: BrowserContext; blocked: string[] }> {
  const context = await browser.newContext(options);
  const blocked: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (allowed(url)) return route.continue();
    blocked.push(url);
    onBlocked?.(url);
    return route.abort();
  });
  return { context, blocked };
}
