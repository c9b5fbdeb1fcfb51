/**
 * The pad's HTML output: a host element holding a short notice (all that shows where scripts do
 * not run), the pad's config as a JSON data block (model and the card's markup, which the runtime
 * puts in place of the notice), the runtime (optional) and a boot script that hands the pad to the
 * runtime once both are in the page.
 */
import { escapeHtml, jsonForScript } from '../../common/html';
import { DIGIT_INPUT_SIZE } from '../../imaging/preprocess';
import { PAD_CANVAS_SIZE, PAD_RUNTIME_QUEUE } from '../browser/constants';
import type { NumberPadConfig, PadConfig } from '../browser/payload-types';
import { PAD_CSS } from './styles';

/** What one pad's output is made from. */
export interface PadOutputParts {
  /** Unique element id of the host. */
  id: string;
  title: string;
  /** One line under the title (model name, size); plain text. */
  caption: string;
  config: Omit<PadConfig, 'markup'> | Omit<NumberPadConfig, 'markup'>;
  /** The card's markup (default: the digit pad's, padCardHtml). */
  card?: string;
  /** The runtime's `<script>` element, or '' when another output provides it. */
  runtimeScript: string;
}

/**
 * The boot script. A front end may run an output's scripts before the output is in the page
 * (Jupyter renders outputs into detached elements), so the host is looked up again for a few
 * seconds until it is there.
 */
function bootScript(id: string): string {
  const idJson = JSON.stringify(id);
  return `<script>(function(){var id=${idJson},tries=0;function boot(){var root=document.getElementById(id),cfg=document.querySelector('script[data-dlp-config="'+id+'"]');` +
    `if(!root||!cfg){if(++tries<200)setTimeout(boot,25);return;}var config=JSON.parse(cfg.textContent);` +
    `var q=window.${PAD_RUNTIME_QUEUE}=window.${PAD_RUNTIME_QUEUE}||[];q.push(function(rt){rt.mount(root,config).catch(function(e){console.error('digit-lab pad:',e);});});}boot();})();</script>`;
}

function probabilityRows(): string {
  let rows = '';
  for (let d = 0; d < 10; d++) {
    rows += `<div class="dlp-row" data-dlp="row" data-digit="${d}" role="listitem"><span class="dlp-label">${d}</span>` +
      `<div class="dlp-track"><div class="dlp-fill" data-dlp="fill"></div></div><span class="dlp-pct" data-dlp="pct"></span></div>`;
  }
  return rows;
}

/** The card the runtime shows: stylesheet, drawing canvas and clear button, prediction and bars. */
export function padCardHtml(title: string, caption: string): string {
  const size = PAD_CANVAS_SIZE;
  return (
    `<style>${PAD_CSS}</style>` +
    `<div class="dlp-card" data-dlp-status="loading">` +
    `<div class="dlp-pad">` +
    `<canvas class="dlp-canvas" data-dlp="canvas" width="${size}" height="${size}" aria-label="Drawing pad: draw one digit with the mouse, a pen or a finger"></canvas>` +
    `<div class="dlp-tools"><button type="button" class="dlp-clear" data-dlp="clear">Clear</button><span class="dlp-hint">mouse, pen or finger</span></div>` +
    `</div>` +
    `<div class="dlp-side">` +
    `<div><div class="dlp-title">${escapeHtml(title)}</div><div class="dlp-caption">${escapeHtml(caption)}</div></div>` +
    `<div class="dlp-answer"><div class="dlp-digit" data-dlp="digit">\u2013</div><div><div class="dlp-conf" data-dlp="confidence">draw a digit</div>` +
    `<div class="dlp-sees">model input <canvas class="dlp-preview" data-dlp="preview" width="${DIGIT_INPUT_SIZE}" height="${DIGIT_INPUT_SIZE}"></canvas></div></div></div>` +
    `<div class="dlp-bars" role="list" aria-label="probability of each digit">${probabilityRows()}</div>` +
    `<div class="dlp-status" data-dlp="status" role="status">Loading\u2026</div>` +
    `</div></div>`
  );
}

/**
 * The notice shown until the runtime mounts the pad (and for good where scripts do not run).
 * Trusting is all it takes: the output carries its runtime and model, and both front ends render
 * a trusted notebook's saved outputs with their scripts (Lab re-renders them at once, classic
 * Notebook reloads the page), so no kernel and no re-run are needed.
 */
export const PAD_NOTICE =
  'This drawing pad needs JavaScript, which Jupyter runs only in trusted notebooks. Trust this notebook and the pad appears, ' +
  'no kernel needed (JupyterLab: "Trust Notebook" in the command palette; classic Notebook: File > Trust Notebook, or click "Not Trusted"). ' +
  'Or open the HTML report.';

/** The complete HTML output of one pad. */
export function padOutputHtml(parts: PadOutputParts): string {
  const { id } = parts;
  const config = { ...parts.config, markup: parts.card ?? padCardHtml(parts.title, parts.caption) };
  return (
    `<div class="dlp-host" id="${escapeHtml(id)}"><p class="dlp-notice"><strong>${escapeHtml(parts.title)}</strong> \u2014 ${escapeHtml(PAD_NOTICE)}</p></div>` +
    `<script type="application/json" data-dlp-config="${escapeHtml(id)}">${jsonForScript(config)}</script>` +
    parts.runtimeScript +
    bootScript(id)
  );
}
