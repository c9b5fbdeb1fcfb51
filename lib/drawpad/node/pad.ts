/**
 * `drawDigitPad(model)`: a "draw a digit" pad with live recognition, as one text/html output
 * that runs the model in the browser (runtime and weights embedded, gzipped: no server, no
 * network; about 0.55 MB with the reference CNN).
 */
import { randomBytes } from 'crypto';
import * as tf from '@tensorflow/tfjs';
import type { PreprocessOptions } from '../../imaging/preprocess';
import { displayBundle, isInTslabKernel } from '../../notebook/display';
import { padOutputHtml } from './markup';
import { serializeModelForPad } from './payload';
import type { PadWeightEncoding } from './payload';
import { padRuntimeScript } from './runtime-script';

/** Options of `drawDigitPad` / `digitPadHtml`. */
export interface DigitPadOptions {
  /** Heading on the card (default "Draw a digit"). */
  title?: string;
  /**
   * How the weights are embedded (default 'compact': about a tenth of float32's bytes; 'uint8':
   * 256 levels per tensor, about twice the size of 'compact').
   */
  encoding?: PadWeightEncoding;
  /**
   * 'embed' (default): the output carries the TensorFlow.js runtime, run once per page however
   * many pads carry it, so every output works on its own. 'shared': leave it out (about 0.2 MB
   * less) and use the runtime of another output in the same page (an earlier pad, or
   * `digitPadRuntimeHtml()`); the pad waits for it.
   */
  runtime?: 'embed' | 'shared';
  /** Passed to preprocessDigit in the page (default: its defaults, as `digit-lab predict`). */
  preprocess?: PreprocessOptions;
}

function parameterCount(model: tf.LayersModel): number {
  try {
    return model.countParams();
  } catch {
    return 0;
  }
}

/** The pad as a complete HTML fragment (the string a text/html output holds). */
export function digitPadHtml(model: tf.LayersModel, options: DigitPadOptions = {}): string {
  const runtime = options.runtime ?? 'embed';
  if (runtime !== 'embed' && runtime !== 'shared') throw new Error(`drawDigitPad: runtime must be 'embed' or 'shared', got ${JSON.stringify(runtime)}`);
  // Read the runtime first: a missing build fails before the (slower) model serialisation.
  const runtimeScript = runtime === 'embed' ? padRuntimeScript() : '';
  const payload = serializeModelForPad(model, options.encoding ?? 'compact');
  const weightBytes = Math.floor((payload.weightData.length * 3) / 4);
  const params = parameterCount(model);
  const caption = `${model.name}${params ? ` \u00b7 ${params.toLocaleString('en-US')} parameters` : ''} \u00b7 ${payload.encoding} weights, ${(weightBytes / 1024).toFixed(0)} KB \u00b7 runs in your browser`;
  return padOutputHtml({
    id: `dlp-${randomBytes(6).toString('hex')}`,
    title: options.title ?? 'Draw a digit',
    caption,
    config: { model: payload, ...(options.preprocess ? { preprocess: options.preprocess } : {}) },
    runtimeScript,
  });
}

/** Just the pad runtime, for a page whose pads all use `runtime: 'shared'`. */
export function digitPadRuntimeHtml(): string {
  return padRuntimeScript();
}

/**
 * Shows a drawing pad for `model`. In a tslab kernel it is displayed as a text/html output and
 * undefined is returned (so the cell prints nothing more); elsewhere the HTML is returned, to
 * write into a page. Synchronous: no `await` needed (awaiting it does no harm).
 */
export function drawDigitPad(model: tf.LayersModel, options: DigitPadOptions = {}): string | undefined {
  const html = digitPadHtml(model, options);
  if (!isInTslabKernel()) return html;
  displayBundle(padBundle(model, html));
  return undefined;
}

/**
 * `drawDigitPad` in the style of the other `show*` helpers: always displays (as plain text
 * outside a kernel) and returns nothing.
 */
export function showDrawDigitPad(model: tf.LayersModel, options: DigitPadOptions = {}): void {
  displayBundle(padBundle(model, digitPadHtml(model, options)));
}

function padBundle(model: tf.LayersModel, html: string): Record<string, string> {
  return { 'text/html': html, 'text/plain': `[drawing pad for ${model.name}: open the notebook in Jupyter (trusted) or the HTML report]` };
}
