/** Node-side stand-ins for the page: rasterising strokes and recognising them, used as test oracles. */
export { rasterisePadStrokes, digitImageToPng } from './rasterise';
export type { PadStroke, RasteriseOptions } from './rasterise';
export { predictPadStrokes } from './recognise';
export type { PadStrokesPrediction } from './recognise';
