/**
 * Showing a recognition in the pad's markup (made on the Node side, lib/drawpad/node/markup.ts):
 * elements are found by their `data-dlp` role, so styling can change without touching this.
 */
import { argmax } from '../../common/arrays';
import { DIGIT_INPUT_SIZE } from '../../imaging/preprocess';
import type { PadRecognition } from './recognise';

/** The pad's elements, by role. */
export interface PadView {
  root: HTMLElement;
  canvas: HTMLCanvasElement;
  clear: HTMLButtonElement;
  status: HTMLElement;
  digit: HTMLElement;
  confidence: HTMLElement;
  rows: HTMLElement[];
  preview: HTMLCanvasElement | null;
}

function role<T extends Element>(root: HTMLElement, name: string): T {
  const el = root.querySelector<T>(`[data-dlp="${name}"]`);
  if (!el) throw new Error(`drawing pad markup has no [data-dlp="${name}"] element`);
  return el;
}

/** Finds the pad's elements under `root`; throws naming the first missing one. */
export function findPadView(root: HTMLElement): PadView {
  const rows = Array.from(root.querySelectorAll<HTMLElement>('[data-dlp="row"]'));
  if (rows.length !== 10) throw new Error(`drawing pad markup has ${rows.length} probability rows, expected 10`);
  return {
    root,
    canvas: role<HTMLCanvasElement>(root, 'canvas'),
    clear: role<HTMLButtonElement>(root, 'clear'),
    status: role<HTMLElement>(root, 'status'),
    digit: role<HTMLElement>(root, 'digit'),
    confidence: role<HTMLElement>(root, 'confidence'),
    rows,
    preview: root.querySelector<HTMLCanvasElement>('[data-dlp="preview"]'),
  };
}

/** Sets the status line (and the root's data-dlp-status for styling and tests). */
export function showPadStatus(view: PadView, status: string, text: string): void {
  view.root.dataset.dlpStatus = status;
  view.status.textContent = text;
}

function drawPreview(canvas: HTMLCanvasElement, input: Float32Array | null): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const image = ctx.createImageData(DIGIT_INPUT_SIZE, DIGIT_INPUT_SIZE);
  for (let i = 0; i < DIGIT_INPUT_SIZE * DIGIT_INPUT_SIZE; i++) {
    const v = input ? Math.round(255 * Math.min(1, Math.max(0, input[i]))) : 0;
    image.data[4 * i] = v;
    image.data[4 * i + 1] = v;
    image.data[4 * i + 2] = v;
    image.data[4 * i + 3] = 255;
  }
  ctx.putImageData(image, 0, 0);
}

/** Shows a recognition, or the blank state when `result` is null. */
export function showPadRecognition(view: PadView, result: PadRecognition | null): void {
  const probs = result?.probabilities ?? null;
  const best = probs ? argmax(probs) : -1;
  view.digit.textContent = best >= 0 ? String(best) : '\u2013';
  view.confidence.textContent = best >= 0 ? `${(100 * probs![best]).toFixed(1)}% sure` : 'draw a digit';
  view.root.dataset.dlpDigit = best >= 0 ? String(best) : '';
  view.rows.forEach((row, d) => {
    const p = probs ? probs[d] : 0;
    const fill = row.querySelector<HTMLElement>('[data-dlp="fill"]');
    const pct = row.querySelector<HTMLElement>('[data-dlp="pct"]');
    if (fill) fill.style.width = `${(100 * p).toFixed(1)}%`;
    if (pct) pct.textContent = probs ? `${(100 * p).toFixed(1)}%` : '';
    row.classList.toggle('dlp-top', d === best);
    row.setAttribute('aria-label', `${d}: ${(100 * p).toFixed(1)} percent`);
  });
  if (view.preview) drawPreview(view.preview, result?.input ?? null);
}
