/**
 * `drawNumberPad(model)`: the wide pad. Several digits written in a row are read live in the page
 * by lib/reading's `readText`, the code `digit-lab read` runs, with the digit model and the
 * reader's one-or-two judge embedded (both gzipped; no server, no network).
 */
import { randomBytes } from 'crypto';
import type * as tf from '@tensorflow/tfjs';
import { displayBundle, isInTslabKernel } from '../../notebook/display';
import { JUDGE_TOPOLOGY, JUDGE_WEIGHT_SPECS, JUDGE_WEIGHTS } from '../../reading/judge-model';
import { padOutputHtml } from './markup';
import { numberPadCardHtml } from './number-markup';
import { PAD_WEIGHT_ENCODINGS, serializeArtifactsForPad, serializeModelForPad } from './payload';
import type { PadModelPayload, PadWeightEncoding, WeightSpec } from './payload';
import { padRuntimeScript } from './runtime-script';
import { shiftAveragedModel } from '../../model/shift-averaging';

/** Options of `drawNumberPad` / `numberPadHtml`. */
export interface NumberPadOptions {
  /** Heading on the card (default "Write a number"). */
  title?: string;
  /** How the digit model's weights are embedded (default 'compact'; see DigitPadOptions). */
  encoding?: PadWeightEncoding;
  /**
   * How the reader's judge and its pair head are embedded (default 'compact', about 100 KB), or false to read
   * without it (only the pieces' widths and the classifier decide where touching digits are cut).
   */
  judge?: PadWeightEncoding | false;
  /** See DigitPadOptions.runtime. */
  runtime?: 'embed' | 'shared';
  /** Digits below this probability are marked unsure (default: `digit-lab read`'s, 0.7). */
  lowConfidence?: number;
}

const judgePayloads = new Map<PadWeightEncoding, PadModelPayload>();

/** The reader's judge (lib/reading/judge-model.ts) as a pad payload, made once per encoding. */
export function judgePayloadForPad(encoding: PadWeightEncoding = 'compact'): PadModelPayload {
  let payload = judgePayloads.get(encoding);
  if (!payload) {
    const bytes = Buffer.from(JUDGE_WEIGHTS, 'base64');
    payload = serializeArtifactsForPad(JUDGE_TOPOLOGY, JUDGE_WEIGHT_SPECS as WeightSpec[], new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), encoding);
    judgePayloads.set(encoding, payload);
  }
  return payload;
}

function parameterCount(model: tf.LayersModel): number {
  try {
    return model.countParams();
  } catch {
    return 0;
  }
}

const kilobytes = (base64: string) => Math.floor((base64.length * 3) / 4 / 1024);

/** The number pad as a complete HTML fragment (the string a text/html output holds). */
export function numberPadHtml(model: tf.LayersModel, options: NumberPadOptions = {}): string {
  const runtime = options.runtime ?? 'embed';
  if (runtime !== 'embed' && runtime !== 'shared') throw new Error(`drawNumberPad: runtime must be 'embed' or 'shared', got ${JSON.stringify(runtime)}`);
  const judgeEncoding = options.judge ?? 'compact';
  if (judgeEncoding !== false && !PAD_WEIGHT_ENCODINGS.includes(judgeEncoding)) {
    throw new Error(`drawNumberPad: judge must be false or one of ${PAD_WEIGHT_ENCODINGS.join(', ')}, got ${JSON.stringify(judgeEncoding)}`);
  }
  const { lowConfidence } = options;
  if (lowConfidence !== undefined && !(lowConfidence >= 0 && lowConfidence <= 1)) {
    throw new Error(`drawNumberPad: lowConfidence must be a probability between 0 and 1, got ${JSON.stringify(lowConfidence)}`);
  }
  // Read the runtime first: a missing build fails before the (slower) model serialisation.
  const runtimeScript = runtime === 'embed' ? padRuntimeScript() : '';
  // The pad reads as `digit-lab read` does: a shift-averaging model through the model it averages.
  const payload = serializeModelForPad(shiftAveragedModel(model) ?? model, options.encoding ?? 'compact');
  const judge = judgeEncoding === false ? undefined : judgePayloadForPad(judgeEncoding);
  const params = parameterCount(model);
  const caption = `${model.name}${params ? ` \u00b7 ${params.toLocaleString('en-US')} parameters` : ''} \u00b7 ${payload.encoding} weights, ${kilobytes(payload.weightData)} KB` +
    `${judge ? ` \u00b7 judge ${kilobytes(judge.weightData)} KB` : ' \u00b7 no judge'} \u00b7 read in your browser as by digit-lab read`;
  const title = options.title ?? 'Write a number';
  return padOutputHtml({
    id: `dlp-${randomBytes(6).toString('hex')}`,
    title,
    caption,
    config: { kind: 'number', model: payload, ...(judge ? { judge } : {}), ...(lowConfidence !== undefined ? { lowConfidence } : {}) },
    card: numberPadCardHtml(title, caption),
    runtimeScript,
  });
}

function numberPadBundle(model: tf.LayersModel, html: string): Record<string, string> {
  return { 'text/html': html, 'text/plain': `[number pad for ${model.name}: open the notebook in Jupyter (trusted) or the HTML report]` };
}

/**
 * Shows the wide "write a number" pad for `model`. In a tslab kernel it is displayed as a
 * text/html output and undefined is returned; elsewhere the HTML is returned. Synchronous.
 */
export function drawNumberPad(model: tf.LayersModel, options: NumberPadOptions = {}): string | undefined {
  const html = numberPadHtml(model, options);
  if (!isInTslabKernel()) return html;
  displayBundle(numberPadBundle(model, html));
  return undefined;
}

/** `drawNumberPad` in the style of the other `show*` helpers: always displays, returns nothing. */
export function showDrawNumberPad(model: tf.LayersModel, options: NumberPadOptions = {}): void {
  displayBundle(numberPadBundle(model, numberPadHtml(model, options)));
}
