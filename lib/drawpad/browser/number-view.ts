/**
 * Showing a number pad's reading in its markup (made on the Node side, lib/drawpad/node/number-markup.ts):
 * the text, a box over the canvas around each digit labelled with the digit and its probability,
 * and the same as a list (with the runner-up) for reading without the picture.
 */
import type { NumberPadDigit } from './payload-types';

/** The number pad's elements, by their `data-dlp` role. */
export interface NumberPadView {
  root: HTMLElement;
  canvas: HTMLCanvasElement;
  clear: HTMLButtonElement;
  status: HTMLElement;
  text: HTMLElement;
  summary: HTMLElement;
  boxes: HTMLElement;
  digits: HTMLElement;
}

function role<T extends Element>(root: HTMLElement, name: string): T {
  const el = root.querySelector<T>(`[data-dlp="${name}"]`);
  if (!el) throw new Error(`number pad markup has no [data-dlp="${name}"] element`);
  return el;
}

/** Finds the number pad's elements under `root`; throws naming the first missing one. */
export function findNumberPadView(root: HTMLElement): NumberPadView {
  return {
    root,
    canvas: role<HTMLCanvasElement>(root, 'canvas'),
    clear: role<HTMLButtonElement>(root, 'clear'),
    status: role<HTMLElement>(root, 'status'),
    text: role<HTMLElement>(root, 'text'),
    summary: role<HTMLElement>(root, 'summary'),
    boxes: role<HTMLElement>(root, 'boxes'),
    digits: role<HTMLElement>(root, 'digits'),
  };
}

const percent = (p: number) => `${(100 * p).toFixed(1)}%`;

function element(tag: string, className: string, text?: string): HTMLElement {
  const el = document.createElement(tag);
  el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

/** Shows a reading (`text` '' and no digits: the blank pad). */
export function showNumberReading(view: NumberPadView, text: string, digits: readonly NumberPadDigit[]): void {
  view.text.textContent = text === '' ? '\u2013' : text;
  view.root.dataset.dlpText = text;
  const low = digits.filter((d) => d.lowConfidence).length;
  view.summary.textContent = digits.length === 0
    ? 'write a number'
    : `${digits.length} digit${digits.length === 1 ? '' : 's'}${low ? `, ${low} unsure` : ''}`;
  const { width, height } = view.canvas;
  view.boxes.replaceChildren(...digits.map((d) => {
    // In percent of the canvas, so the boxes follow it at whatever size CSS shows it.
    const box = element('div', `dlp-box${d.lowConfidence ? ' dlp-low' : ''}`);
    box.dataset.dlp = 'box';
    box.style.left = `${(100 * d.box[0]) / width}%`;
    box.style.top = `${(100 * d.box[1]) / height}%`;
    box.style.width = `${(100 * d.box[2]) / width}%`;
    box.style.height = `${(100 * d.box[3]) / height}%`;
    box.appendChild(element('span', 'dlp-box-label', `${d.digit} \u00b7 ${percent(d.probability)}`));
    return box;
  }));
  view.digits.replaceChildren(...digits.map((d) => {
    const item = element('li', `dlp-chip${d.lowConfidence ? ' dlp-low' : ''}`);
    item.dataset.dlp = 'chip';
    item.appendChild(element('span', 'dlp-chip-digit', String(d.digit)));
    item.appendChild(element('span', 'dlp-chip-pct', percent(d.probability)));
    item.appendChild(element('span', 'dlp-chip-runner', `then ${d.runnerUp.digit} ${percent(d.runnerUp.probability)}`));
    item.setAttribute('aria-label', `${d.digit}, ${percent(d.probability)} sure${d.lowConfidence ? ', unsure' : ''}; runner-up ${d.runnerUp.digit}`);
    return item;
  }));
}

/** Sets the status line (and the root's data-dlp-status for styling and tests). */
export function showNumberPadStatus(view: NumberPadView, status: string, text: string): void {
  view.root.dataset.dlpStatus = status;
  view.status.textContent = text;
}
