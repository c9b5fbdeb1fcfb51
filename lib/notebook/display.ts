/**
 * Sending rich output from a tslab cell. tslab's public `display` sends one MIME type per output;
 * a plotly chart needs a bundle (plotly JSON + HTML fallback + plain text) in ONE output so every
 * front end picks what it can draw. tslab's kernel has a private writer for display data (see
 * ./tslab-private, the only module that touches tslab internals); we use it when it is there,
 * fall back to the public API with the single most useful MIME type when it is not, and print
 * plain text outside a kernel.
 */
import { randomBytes } from 'crypto';
import { type DisplayDataWriter, findTslabWriter, requireKernelTslab } from './tslab-private';

export { type DisplayDataWriter, findTslabWriter, isInTslabKernel } from './tslab-private';

/** MIME type -> data. Binary data (Uint8Array) is sent base64-encoded, JSON types as objects. */
export type DisplayMimeBundle = Record<string, unknown>;

/** The public tslab API shape we fall back to (one MIME type per call). */
export interface PublicDisplayApi {
  raw(contentType: string, data: string | Uint8Array): unknown;
  /** tslab's newDisplay(): an output that each later raw() call overwrites. */
  newDisplay?: () => PublicDisplayApi;
}

/** Where display output goes; `displayEnvironment()` finds the real one, tests pass fakes. */
export interface DisplayEnvironment {
  kind: 'bundle' | 'single-mime' | 'text';
  writer?: DisplayDataWriter;
  publicApi?: PublicDisplayApi;
  /** Plain-text sink used outside a kernel. */
  print: (text: string) => void;
}

export interface DisplayOptions {
  /** Output id to update later (`update: true`) instead of appending a new output. */
  displayId?: string;
  update?: boolean;
  metadata?: Record<string, unknown>;
}

/** Order in which a single MIME type is chosen when only one can be sent. */
export const SINGLE_MIME_PREFERENCE = ['text/html', 'image/png', 'image/jpeg', 'image/svg+xml', 'text/markdown', 'text/latex', 'text/plain'];

/** The kernel's own public tslab API; null outside a kernel or when it cannot be loaded. */
function kernelPublicApi(): PublicDisplayApi | null {
  try {
    const tslab = requireKernelTslab() as { display?: PublicDisplayApi; newDisplay?: () => PublicDisplayApi } | undefined;
    if (!tslab?.display || typeof tslab.display.raw !== 'function') return null;
    const newDisplay = tslab.newDisplay;
    return { raw: tslab.display.raw.bind(tslab.display), newDisplay: typeof newDisplay === 'function' ? () => newDisplay() : undefined };
  } catch {
    // A kernel without a loadable tslab still gets readable plain-text output.
    return null;
  }
}

/** Works out how output can be shown in this process, right now (the writer changes per cell). */
export function displayEnvironment(): DisplayEnvironment {
  const print = (text: string) => console.log(text);
  const writer = findTslabWriter();
  if (writer) return { kind: 'bundle', writer, print };
  const api = kernelPublicApi();
  if (api) return { kind: 'single-mime', publicApi: api, print };
  return { kind: 'text', print };
}

/** Converts binary values to base64, as the Jupyter protocol wants them. */
export function encodeBundle(bundle: DisplayMimeBundle): DisplayMimeBundle {
  const out: DisplayMimeBundle = {};
  for (const [mime, value] of Object.entries(bundle)) {
    if (value === undefined) continue;
    out[mime] = value instanceof Uint8Array ? Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') : value;
  }
  return out;
}

/** The MIME type sent when only one can be (public API fallback). */
export function pickSingleMime(bundle: DisplayMimeBundle): string | null {
  for (const mime of SINGLE_MIME_PREFERENCE) if (bundle[mime] !== undefined) return mime;
  const first = Object.keys(bundle).find((m) => typeof bundle[m] === 'string' || bundle[m] instanceof Uint8Array);
  return first ?? null;
}

/** A fresh id for an output that will be updated in place. */
export function newDisplayId(): string {
  return randomBytes(8).toString('hex');
}

const publicDisplays = new Map<string, PublicDisplayApi>();

/** For updatable outputs the public API needs one `newDisplay()` per id; others use `display`. */
function publicTarget(api: PublicDisplayApi, displayId: string | undefined): PublicDisplayApi {
  if (!displayId || !api.newDisplay) return api;
  let target = publicDisplays.get(displayId);
  if (!target) {
    target = api.newDisplay();
    publicDisplays.set(displayId, target);
  }
  return target;
}

/**
 * Shows a MIME bundle as one output. In a tslab kernel every MIME type goes in one display_data
 * message; elsewhere it degrades as described in this module's header. Returns nothing so that a
 * cell ending in this call prints no value.
 */
export function displayBundle(bundle: DisplayMimeBundle, options: DisplayOptions = {}): void {
  sendBundle(bundle, options, displayEnvironment());
}

/** displayBundle with an explicit environment; returns how the output was shown. */
export function sendBundle(bundle: DisplayMimeBundle, options: DisplayOptions, env: DisplayEnvironment): DisplayEnvironment['kind'] {
  if (Object.keys(bundle).length === 0) throw new Error('viz: displayBundle needs at least one MIME type');
  const plain = typeof bundle['text/plain'] === 'string' ? (bundle['text/plain'] as string) : `<${Object.keys(bundle).join(', ')}>`;
  if (env.kind === 'bundle' && env.writer) {
    const data = encodeBundle({ 'text/plain': plain, ...bundle });
    const transient = options.displayId ? { display_id: options.displayId } : {};
    try {
      env.writer({ data, metadata: options.metadata ?? {}, transient }, Boolean(options.update && options.displayId));
      return 'bundle';
    } catch {
      // A writer that fails (a kernel shutting down, a changed tslab internal) must not break the
      // cell: the plain-text fallback below still reports what would have been shown.
    }
  }
  if (env.kind === 'single-mime' && env.publicApi) {
    const mime = pickSingleMime(bundle);
    if (mime) {
      try {
        publicTarget(env.publicApi, options.displayId).raw(mime, bundle[mime] as string | Uint8Array);
        return 'single-mime';
      } catch {
        // "Not ready" and similar: fall back to text rather than break the user's cell.
      }
    }
  }
  env.print(plain);
  return 'text';
}
