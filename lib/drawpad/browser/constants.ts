/**
 * Numbers the browser pad and the Node rasteriser must agree on, so that a stroke drawn on the
 * pad and the same stroke rasterised in Node give the same picture. Pure constants, no imports.
 */

/** The pad's drawing surface in canvas pixels (square); CSS may show it at another size. */
export const PAD_CANVAS_SIZE = 280;
/** The number pad's drawing surface: three digit pads wide. */
export const NUMBER_PAD_WIDTH = 840;
export const NUMBER_PAD_HEIGHT = 280;
/** Pen diameter in canvas pixels: about 2 MNIST pixels once a digit is scaled into its 20x20 box. */
export const PAD_PEN_WIDTH = 20;
/** Paper and ink gray levels: black ink on white paper, which preprocessDigit inverts. */
export const PAD_PAPER_GRAY = 255;
export const PAD_INK_GRAY = 0;
/** The global the runtime sets once per page, and the queue pads wait in until it has loaded. */
export const PAD_RUNTIME_GLOBAL = 'digitLabPad';
export const PAD_RUNTIME_QUEUE = '__digitLabPadQueue';
/** Set while an output's packed runtime is being unpacked, so other outputs do not unpack theirs. */
export const PAD_RUNTIME_LOADING = '__digitLabPadLoading';
/** Bumped when the contract between the Node-side markup and the runtime changes. */
export const PAD_RUNTIME_VERSION = 2;
