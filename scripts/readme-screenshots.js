#!/usr/bin/env node
// Makes the README's pictures from the real report: `npm run report`, then
// `node scripts/readme-screenshots.js [reports/Digit_Recognizer.html]` (needs Debian's chromium).
'use strict';
const path = require('path');
const { chromium } = require('playwright-core');

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'docs', 'images');
// A handwritten-looking 7 on the 280x280 pad: the top bar, then the downstroke.
const SEVEN = [[[70, 70], [130, 66], [200, 64], [212, 70]], [[212, 70], [180, 130], [150, 190], [128, 240]]];

async function main() {
  const report = path.resolve(process.argv[2] || path.join(ROOT, 'reports', 'Digit_Recognizer.html'));
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 }, deviceScaleFactor: 1 });
    await page.goto('file://' + report);
    await page.waitForSelector('svg.main-svg');
    const cellWith = (text) => page.locator('section.code-cell', { hasText: text }).first();
    await cellWith('fitDataset(').screenshot({ path: path.join(OUT, 'report-training.png') });
    await cellWith('confusionMatrixFigure').locator('.output').first().screenshot({ path: path.join(OUT, 'report-confusion.png') });
    const pad = cellWith('showDrawDigitPad');
    const canvas = pad.locator('[data-dlp="canvas"]');
    await canvas.scrollIntoViewIfNeeded();
    await page.waitForTimeout(1000);
    const box = await canvas.boundingBox();
    for (const stroke of SEVEN) {
      const at = ([x, y]) => [box.x + (x * box.width) / 280, box.y + (y * box.height) / 280];
      await page.mouse.move(...at(stroke[0]));
      await page.mouse.down();
      for (const p of stroke.slice(1)) await page.mouse.move(...at(p), { steps: 8 });
      await page.mouse.up();
    }
    await page.waitForTimeout(300);
    await pad.locator('.output').first().screenshot({ path: path.join(OUT, 'report-draw-pad.png') });
    console.log(`wrote ${OUT}/report-{training,confusion,draw-pad}.png`);
  } finally {
    await browser.close();
  }
}

main().catch((err) => {
  console.error(`readme-screenshots: ${err.message}`);
  process.exitCode = 1;
});
