/**
 * The number pad's card: a wide canvas with the digits' boxes drawn over it, the text read and
 * one chip per digit (probability and runner-up). The runtime fills them in
 * (lib/drawpad/browser/number-view.ts).
 */
import { escapeHtml } from '../../common/html';
import { NUMBER_PAD_HEIGHT, NUMBER_PAD_WIDTH } from '../browser/constants';
import { PAD_CSS } from './styles';

/** The number pad's styles, on top of the digit pad's. */
export const NUMBER_PAD_CSS = `
.dlp-card.dlp-wide{flex-direction:column;flex-wrap:nowrap;align-items:stretch;gap:12px;max-width:${NUMBER_PAD_WIDTH + 42}px}
.dlp-stage{position:relative;width:${NUMBER_PAD_WIDTH}px;max-width:100%}
.dlp-wide .dlp-canvas{width:100%;aspect-ratio:${NUMBER_PAD_WIDTH}/${NUMBER_PAD_HEIGHT}}
.dlp-boxes{position:absolute;inset:0;pointer-events:none}
.dlp-box{position:absolute;border:2px solid #0969da;border-radius:4px}
.dlp-box-label{position:absolute;left:-2px;bottom:100%;margin-bottom:1px;padding:0 5px;border-radius:3px;background:#0969da;color:#fff;font-size:11px;line-height:16px;white-space:nowrap;font-variant-numeric:tabular-nums}
.dlp-box.dlp-low{border-color:#9a6700;border-style:dashed}
.dlp-box.dlp-low .dlp-box-label{background:#9a6700}
.dlp-wide .dlp-answer{gap:14px}
.dlp-number{font-size:40px;font-weight:700;line-height:1.1;color:#0969da;letter-spacing:.06em;font-variant-numeric:tabular-nums;white-space:pre}
.dlp-digits{display:flex;flex-wrap:wrap;gap:6px;list-style:none;margin:0;padding:0}
.dlp-chip{display:flex;align-items:baseline;gap:6px;padding:4px 10px;border:1px solid #d0d7de;border-radius:14px;background:#f6f8fa;font-variant-numeric:tabular-nums}
.dlp-chip-digit{font-weight:700;color:#0969da}
.dlp-chip-runner{color:#656d76;font-size:12px}
.dlp-chip.dlp-low{border-color:#9a6700}
.dlp-chip.dlp-low .dlp-chip-digit{color:#9a6700}
`.trim();

/** The number pad's card (what NumberPadConfig.markup holds). */
export function numberPadCardHtml(title: string, caption: string): string {
  return (
    `<style>${PAD_CSS}\n${NUMBER_PAD_CSS}</style>` +
    `<div class="dlp-card dlp-wide" data-dlp-status="loading">` +
    `<div><div class="dlp-title">${escapeHtml(title)}</div><div class="dlp-caption">${escapeHtml(caption)}</div></div>` +
    `<div class="dlp-stage"><canvas class="dlp-canvas" data-dlp="canvas" width="${NUMBER_PAD_WIDTH}" height="${NUMBER_PAD_HEIGHT}" aria-label="Drawing pad: write a number, several digits in a row, with the mouse, a pen or a finger"></canvas>` +
    `<div class="dlp-boxes" data-dlp="boxes"></div></div>` +
    `<div class="dlp-tools"><button type="button" class="dlp-clear" data-dlp="clear">Clear</button><span class="dlp-hint">several digits in a row \u00b7 mouse, pen or finger</span></div>` +
    `<div class="dlp-answer"><div class="dlp-number" data-dlp="text" aria-live="polite">\u2013</div><div class="dlp-conf" data-dlp="summary">write a number</div></div>` +
    `<ol class="dlp-digits" data-dlp="digits" aria-label="each digit read, with its probability"></ol>` +
    `<div class="dlp-status" data-dlp="status" role="status">Loading\u2026</div>` +
    `</div>`
  );
}
