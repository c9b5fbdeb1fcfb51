/** What the Node side embeds in a pad's output and the browser runtime reads. Types only. */
import type { PreprocessOptions } from '../../imaging/preprocess';
import type { ReadDigit } from '../../reading/read';

/**
 * How the embedded weights are stored, all with tfjs' own weight quantization (decoded when
 * loading): 'uint8' uses 256 levels over each tensor's range; 'compact' puts the large tensors on
 * a coarser grid (fewer distinct codes, which gzip then packs into about 3 bits per weight).
 */
export type PadWeightEncoding = 'float32' | 'float16' | 'uint8' | 'compact';

/** A model serialised for the pad: tfjs layers artifacts with the weights gzipped and base64-encoded. */
export interface PadModelPayload {
  /** The Keras-style topology JSON of `model.save`. */
  modelTopology: unknown;
  /** tfjs weight specs (name, shape, dtype, optional quantization) in `weightData` order. */
  weightSpecs: unknown[];
  /** All weights concatenated (then gzipped when `compression` says so), base64. */
  weightData: string;
  encoding: PadWeightEncoding;
  /** 'gzip': `weightData` holds the gzipped bytes (absent: the plain bytes). */
  compression?: 'gzip';
}

/** Everything one pad needs in the page. */
export interface PadConfig {
  model: PadModelPayload;
  /**
   * The card's HTML (stylesheet included), put in place by the runtime: where scripts do not run
   * (an untrusted notebook, a sanitizing viewer) only the output's short notice shows, not an
   * inert, unstyled pad.
   */
  markup: string;
  /** Passed to preprocessDigit, exactly as `digit-lab predict` would (default: its defaults). */
  preprocess?: PreprocessOptions;
}

/** What a mounted pad exposes on its root element (`root.digitLabPadState`), for tests and tools. */
export interface PadState {
  status: 'loading' | 'ready' | 'error';
  /** Number of recognitions run so far, and how long the last one took (ms, preprocessing included). */
  updates: number;
  lastMs: number | null;
  /** Top digit and its probability; null while the pad is blank. */
  digit: number | null;
  confidence: number | null;
  probabilities: number[] | null;
  /** The 28x28 model input of the last recognition (row-major, ink bright). */
  input: number[] | null;
  error?: string;
}

/** Everything one wide "write a number" pad needs in the page. */
export interface NumberPadConfig {
  kind: 'number';
  /** The digit classifier. */
  model: PadModelPayload;
  /** The reader's one-or-two judge (lib/reading/judge.ts); absent: the reader runs without one. */
  judge?: PadModelPayload;
  /** The card's HTML (see PadConfig.markup). */
  markup: string;
  /** readText's lowConfidence threshold (default: its default, as `digit-lab read`). */
  lowConfidence?: number;
}

/** One digit of a number pad's reading, as `digit-lab read --json` gives it (box in canvas pixels). */
export type NumberPadDigit = Pick<ReadDigit, 'digit' | 'probability' | 'runnerUp' | 'lowConfidence' | 'box' | 'probabilities'>;

/** What a mounted number pad exposes on its root element (`root.digitLabPadState`). */
export interface NumberPadState {
  status: 'loading' | 'ready' | 'error';
  updates: number;
  lastMs: number | null;
  /** The text read ('' while blank), one line of text per line of writing. */
  text: string;
  /** Every digit read, line after line. */
  digits: NumberPadDigit[];
  warnings: string[];
  /** Whether the judge runs in the page. */
  judged: boolean;
  /** True from a change of the drawing until its reading is shown. */
  busy: boolean;
  error?: string;
}
