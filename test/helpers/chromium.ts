/** Headless Debian Chromium for the browser specs: where it is, how to launch it, and no network. */
import * as fs from 'fs';
import type { Browser, BrowserContext, BrowserContextOptions } from 'playwright-core';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.DIGIT_LAB_CHROMIUM ?? '/usr/bin/chromium';

/** Flags that keep Chromium from calling home (and that work as root in a container). */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Why Chromium cannot be used here, or null when it can. */
export function chromiumUnavailable(): string | null {
  return fs.existsSync(CHROMIUM) ? null : `no Chromium at ${CHROMIUM} (install the Debian package "chromium" or set DIGIT_LAB_CHROMIUM)`;
}

/** Headless Chromium with CHROMIUM_ARGS. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
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
