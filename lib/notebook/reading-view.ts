/**
 * A reading of a written number (lib/reading) shown as a lesson: the picture with a box round
 * every digit found, then, line by line, each digit as it was cut out, the 28x28 input the model
 * saw, and what the model said with its runner-up, low-confidence digits marked.
 */
import type { DigitImage } from '../imaging/gray';
import type { ReadDigit, ReadResult } from '../reading/read';
import { displayBundle } from './display';
import { escapeHtml, styleAttr } from './html';
import { digitPng, pngImgTag } from './images';
import { VIZ_COLORS, VIZ_CSS, VIZ_FONT, withThemeStyle } from './theme';

/** The picture is drawn at most this wide. */
const PICTURE_WIDTH = 480;
/** Each digit's cut-out is drawn this high. */
const CUTOUT_HEIGHT = 56;

const percent = (p: number) => `${(p * 100).toFixed(1)}%`;

/** The picture as a PNG, dark ink on light as it was, with the digits' boxes drawn over it in SVG. */
function pictureWithBoxes(picture: DigitImage, reading: ReadResult): string {
  const scale = Math.min(2, PICTURE_WIDTH / picture.width);
  const width = Math.round(picture.width * scale);
  const height = Math.round(picture.height * scale);
  const png = digitPng(Float32Array.from(picture.gray, (v) => v / 255), 0, { size: [picture.height, picture.width], scale: 1 });
  const boxes = reading.lines.flatMap((line) => line.digits).map((d) => {
    const [x, y, w, h] = d.box.map((v) => v * scale);
    const colour = d.lowConfidence ? VIZ_COLORS.highlight : VIZ_COLORS.accent;
    return `<rect x="${x - 2}" y="${y - 2}" width="${w + 4}" height="${h + 4}" fill="none" stroke="${colour}" stroke-width="2"/>` +
      `<text x="${x}" y="${Math.max(12, y - 5)}" font-size="12" fill="${colour}" font-family="${escapeHtml(VIZ_FONT)}">${d.digit}</text>`;
  });
  const svg = `<svg width="${width}" height="${height}" style="position:absolute;left:0;top:0" aria-hidden="true">${boxes.join('')}</svg>`;
  const img = pngImgTag(png, `the picture read as ${reading.text.replace(/\n/g, ' / ') || 'nothing'}`, {
    width: `${width}px`, height: `${height}px`, 'image-rendering': 'auto',
  });
  return `<div style="${styleAttr({ position: 'relative', width: `${width}px`, height: `${height}px` })}">${img}${svg}</div>`;
}

/** One digit: the cut-out, the model's input, and the answer. */
function digitFigure(d: ReadDigit): string {
  const cutScale = CUTOUT_HEIGHT / d.cutout.height;
  const cut = pngImgTag(digitPng(Float32Array.from(d.cutout.gray, (v) => v / 255), 0, { size: [d.cutout.height, d.cutout.width], scale: 1 }), 'the digit as cut out', {
    width: `${Math.max(1, Math.round(d.cutout.width * cutScale))}px`, height: `${CUTOUT_HEIGHT}px`, 'image-rendering': 'auto',
  });
  const input = pngImgTag(digitPng(d.input, 0, { size: [28, 28], scale: 2 }), 'the 28×28 input the model saw', { width: '56px', height: '56px' });
  const answer = `<b style="font-size:16px">${d.digit}</b> ${percent(d.probability)}<br>` +
    `<span style="${styleAttr({ color: VIZ_CSS.subtleText })}">then ${d.runnerUp.digit} ${percent(d.runnerUp.probability)}</span>` +
    (d.readBy === 'pair head' ? `<br><span style="${styleAttr({ color: VIZ_CSS.subtleText })}">with the pair head</span>` : '') +
    (d.lowConfidence ? `<br><span style="${styleAttr({ color: VIZ_CSS.highlightText })}">low confidence</span>` : '');
  const pictures = `<div style="${styleAttr({ display: 'flex', gap: '4px', 'align-items': 'flex-end' })}">${cut}${input}</div>`;
  return `<figure style="${styleAttr({ margin: '0', display: 'flex', 'flex-direction': 'column', 'align-items': 'center', gap: '4px' })}">${pictures}` +
    `<figcaption style="${styleAttr({ 'font-size': '12px', 'text-align': 'center', color: VIZ_CSS.text })}">${answer}</figcaption></figure>`;
}

/** The whole reading as one HTML block (see the module comment). */
export function readingStepsHtml(picture: DigitImage, reading: ReadResult): string {
  const text = (t: string) => `<div style="${styleAttr({ 'font-weight': 600, margin: '6px 0', color: VIZ_CSS.text })}">${t}</div>`;
  const lines = reading.lines.map((line, i) => text(`line ${i + 1}: “${escapeHtml(line.text)}”`) +
    `<div style="${styleAttr({ display: 'flex', 'flex-wrap': 'wrap', gap: '12px', 'align-items': 'flex-end' })}">${line.digits.map(digitFigure).join('')}</div>`);
  const warnings = reading.warnings.map((w) => `<div style="${styleAttr({ color: VIZ_CSS.highlightText })}">${escapeHtml(w)}</div>`);
  const read = reading.text ? reading.text.split('\n').map(escapeHtml).join(' / ') : '(nothing)';
  return withThemeStyle(`<div class="digit-lab-reading" style="${styleAttr({ 'font-family': VIZ_FONT, color: VIZ_CSS.text })}">` +
    `${text(`Read: ${read}`)}${pictureWithBoxes(picture, reading)}${lines.join('')}${warnings.join('')}</div>`);
}

/** Shows the reading in the cell (HTML; the text and each digit's answer as plain text elsewhere). */
export function showReadingSteps(picture: DigitImage, reading: ReadResult): void {
  const plain = [`Read: ${reading.text || '(nothing)'}`, ...reading.lines.flatMap((line) =>
    line.digits.map((d) => `${d.digit} ${percent(d.probability)} (then ${d.runnerUp.digit})${d.lowConfidence ? ' low confidence' : ''}`)), ...reading.warnings];
  displayBundle({ 'text/html': readingStepsHtml(picture, reading), 'text/plain': plain.join('\n') });
}
