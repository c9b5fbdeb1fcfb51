/**
 * Whether a model may be saved into a directory. Checked before a long training run, so that an
 * unusable or foreign location fails at once instead of after the work, and again by each save.
 * Plain `fs` and no TensorFlow.js, so the command line can check its flags before loading it.
 */
import * as fs from 'fs';
import * as path from 'path';

export const MODEL_JSON_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';
/** The key under model.json's userDefinedMetadata where our own metadata lives. */
export const METADATA_KEY = 'digitLab';

/** How strict the check is. */
export interface ModelOutputDirOptions {
  /** Accept a directory whose model.json digit-lab did not write (it is then replaced). */
  overwriteForeignModel?: boolean;
}

/**
 * Why a model cannot be saved into `dir`, as a phrase to follow "cannot save the model to DIR: ",
 * or undefined when it can. A save replaces the whole directory, so it must be new, empty, or hold
 * one of our models and nothing else (`--out .` must never sweep away a working directory, nor
 * `--out` someone else's model); and the directory, or its nearest existing ancestor, must be a
 * writable directory. Nothing is created: a failed check leaves no trace.
 */
export function modelOutputDirProblem(dir: string, options: ModelOutputDirOptions = {}): string | undefined {
  const target = path.resolve(dir);
  const stat = statIfAny(target);
  if (stat === undefined) return creationProblem(target);
  if (!stat.isDirectory()) return 'it is a file, not a directory';
  const entries = fs.readdirSync(target);
  const ours = new Set([MODEL_JSON_FILE, WEIGHTS_FILE]);
  if (entries.length > 0 && (!entries.includes(MODEL_JSON_FILE) || entries.some((e) => !ours.has(e)))) {
    return `the directory holds other files (${entries.slice(0, 3).join(', ')}); choose a new or empty directory`;
  }
  if (entries.length > 0 && !options.overwriteForeignModel && !isDigitLabModelJson(path.join(target, MODEL_JSON_FILE))) {
    return `its ${MODEL_JSON_FILE} was not written by digit-lab (no "${METADATA_KEY}" metadata), so it is not replaced; choose another directory`;
  }
  // The save writes a sibling temp directory and renames it over the target.
  return writeProblem(path.dirname(target)) ?? writeProblem(target);
}

/**
 * Throws an Error "cannot save the model to DIR: why" unless saveModel may write to `dir`.
 * Call it before a long training run to fail early.
 */
export function checkModelOutputDir(dir: string, options: ModelOutputDirOptions = {}): void {
  const problem = modelOutputDirProblem(dir, options);
  if (problem !== undefined) throw new Error(`cannot save the model to ${path.resolve(dir)}: ${problem}`);
}

/** True when `file` is a model.json that saveModel wrote (it carries our metadata). */
export function isDigitLabModelJson(file: string): boolean {
  try {
    const json = JSON.parse(fs.readFileSync(file, 'utf8')) as { userDefinedMetadata?: Record<string, unknown> } | null;
    const metadata = json?.userDefinedMetadata?.[METADATA_KEY];
    return typeof metadata === 'object' && metadata !== null && !Array.isArray(metadata);
  } catch {
    return false;
  }
}

/** The stat of `p`, or undefined when nothing is there (also when a parent is a file). */
function statIfAny(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw err;
  }
}

/** Why `target` (which does not exist) could not be created: its nearest existing ancestor decides. */
function creationProblem(target: string): string | undefined {
  let ancestor = path.dirname(target);
  for (;;) {
    const stat = statIfAny(ancestor);
    if (stat !== undefined) {
      if (!stat.isDirectory()) return `cannot create it: ${ancestor} is a file, not a directory`;
      const problem = writeProblem(ancestor);
      return problem === undefined ? undefined : `cannot create it: ${problem}`;
    }
    const up = path.dirname(ancestor);
    if (up === ancestor) return `cannot create it: ${ancestor} does not exist`;
    ancestor = up;
  }
}

function writeProblem(dir: string): string | undefined {
  try {
    fs.accessSync(dir, fs.constants.W_OK);
    return undefined;
  } catch (err) {
    return `${dir} is not writable (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
  }
}
