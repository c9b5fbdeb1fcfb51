/**
 * Every use of tslab's private (undocumented) internals, in one place. tslab's public API sends
 * one MIME type per output; a bundle needs what lies behind it. Checked against tslab 1.0.22:
 *
 * - `tslab/dist/jupyter.js` exports `lastWriteDisplayData(content, update)`: the kernel sets it to
 *   the current cell's display_data writer (null until the first cell runs). The public
 *   `display.raw` calls it with a one-MIME bundle; we call it with a whole bundle.
 * - `tslab/dist/executor.js` sets `globalThis.__tslab__ = { exports, require }` for cell code; its
 *   `require` resolves 'tslab' to the kernel's own copy.
 *
 * A different tslab may change either without notice, so test/notebook/tslab-private.spec.ts fails
 * when the installed tslab is not TSLAB_CHECKED_VERSION. Callers must keep working without these
 * (display.ts falls back to the public API, then to plain text).
 */

/** The tslab version whose internals this module was checked against. */
export const TSLAB_CHECKED_VERSION = '1.0.22';

/** The tslab module that holds the private writer, as a path in `require.cache`. */
export const TSLAB_JUPYTER_MODULE = /[\\/]tslab[\\/]dist[\\/]jupyter\.js$/;

/** The name under which that module exports the writer. */
export const TSLAB_WRITER_EXPORT = 'lastWriteDisplayData';

/** The display_data content tslab's writer sends (the Jupyter message's content). */
export interface TslabDisplayContent {
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  transient: { display_id?: string };
}

/** tslab's internal writer: sends display_data, or update_display_data when `update` is true. */
export type DisplayDataWriter = (content: TslabDisplayContent, update: boolean) => void;

/** What tslab's executor puts in `globalThis.__tslab__` for the running cell. */
interface TslabCellGlobal {
  require?: (id: string) => unknown;
}

/**
 * Finds tslab's display writer of the running kernel. The kernel's copy of tslab may not be the
 * one `require('tslab')` would resolve from here (a global tslab, another checkout), so look in
 * the module cache for any loaded `tslab/dist/jupyter.js` that has a live writer.
 */
export function findTslabWriter(cache: Record<string, { exports?: unknown } | undefined> = require.cache): DisplayDataWriter | null {
  for (const [file, mod] of Object.entries(cache)) {
    if (!TSLAB_JUPYTER_MODULE.test(file)) continue;
    const writer = (mod?.exports as Record<string, unknown> | undefined)?.[TSLAB_WRITER_EXPORT];
    if (typeof writer === 'function') return writer as DisplayDataWriter;
  }
  return null;
}

function cellGlobal(): TslabCellGlobal | null | undefined {
  return (globalThis as { __tslab__?: TslabCellGlobal | null }).__tslab__;
}

/** True when this code runs inside a tslab kernel (tslab sets `globalThis.__tslab__`). */
export function isInTslabKernel(): boolean {
  return typeof cellGlobal() === 'object';
}

/**
 * The kernel's own 'tslab' module, or undefined outside a kernel. Uses the cell's require, which
 * tslab hooks so that 'tslab' is the kernel's copy (ours might resolve to another copy that is
 * "Not ready"). Throws what require throws.
 */
export function requireKernelTslab(): unknown {
  const hook = cellGlobal();
  if (!hook) return undefined;
  return typeof hook.require === 'function' ? hook.require('tslab') : require('tslab');
}
