/**
 * The "draw a digit" pad: live recognition in the notebook and in the exported report. The
 * browser half lives in lib/browser (bundled by scripts/bundle-browser.js).
 */
export { drawDigitPad, showDrawDigitPad, digitPadHtml, digitPadRuntimeHtml } from './pad';
export type { DigitPadOptions } from './pad';
export { serializeModelForPad, padPayloadToModel, PAD_WEIGHT_ENCODINGS } from './payload';
export type { PadModelPayload, PadWeightEncoding } from './payload';
export { rasterisePadStrokes, digitImageToPng } from './rasterise';
export type { PadStroke, RasteriseOptions } from './rasterise';
export { predictPadStrokes } from './recognise';
export type { PadStrokesPrediction } from './recognise';
export { padRuntimeFile, PAD_RUNTIME_PATH } from './runtime-script';
export { PAD_CANVAS_SIZE, PAD_PEN_WIDTH } from '../../browser/pad/constants';
