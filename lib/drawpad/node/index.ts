/**
 * The "draw a digit" pad (live recognition) and the wide "write a number" pad (live reading), in the
 * notebook and in the exported report. The browser half lives in lib/drawpad/browser (bundled by scripts/bundle-browser.js).
 */
export { drawDigitPad, showDrawDigitPad, digitPadHtml, digitPadRuntimeHtml } from './pad';
export type { DigitPadOptions } from './pad';
export { drawNumberPad, showDrawNumberPad, numberPadHtml, judgePayloadForPad } from './number-pad';
export type { NumberPadOptions } from './number-pad';
export { serializeModelForPad, serializeArtifactsForPad, padPayloadToModel, PAD_WEIGHT_ENCODINGS } from './payload';
export type { PadModelPayload, PadWeightEncoding } from './payload';
export { padRuntimeFile, PAD_RUNTIME_PATH } from './runtime-script';
export { PAD_CANVAS_SIZE, PAD_PEN_WIDTH, NUMBER_PAD_WIDTH, NUMBER_PAD_HEIGHT } from '../browser/constants';
