/**
 * Pre-flight: everything a run needs is checked before the kernel starts, so a typo costs seconds,
 * not a whole run: the output folder can be created and written and is not the input notebook's
 * place (symlinks resolved), the working directory exists, the kernel is known, and every
 * parameter is declared by the notebook's parameters cell with a value of the declared kind.
 * Each failure is a PreflightError whose message names the option and the problem in one line.
 */
import * as fs from 'fs';
import * as path from 'path';
import { PreflightError } from './document/errors';
import { joinSource, Notebook } from './document/nbformat';
import { findKernelspec, KernelSpec } from './kernel/kernelspec';
import { declaredParameters, parametersCell, ParameterValue, ValueKind, valueKind } from './parameters';

const DEFAULT_KERNEL = 'tslab';

/** What the run-input checks need: the user's choices and where the notebook came from. */
export interface RunInputs {
  /** The notebook file (or "the notebook" for one passed as an object), for messages. */
  where: string;
  /** --kernel, when given. */
  kernel?: string;
  /** --cwd, when given (relative to the process's cwd). */
  cwd?: string;
  /** The working directory used when --cwd is not given. */
  defaultCwd: string;
  kernelspecDirs?: string[];
  parameters?: Record<string, ParameterValue>;
  allowUnknownParameters?: boolean;
}

/** What the checks resolved: the kernelspec to start and the kernel's working directory. */
export interface CheckedRun {
  spec: KernelSpec;
  cwd: string;
}

/** Checks the kernel's working directory, kernel name and parameters; throws PreflightError. */
export function checkRunInputs(nb: Notebook, inputs: RunInputs): CheckedRun {
  const cwd = checkCwd(inputs);
  const spec = checkKernel(nb, inputs);
  checkParameters(nb, inputs.parameters ?? {}, inputs.where, !!inputs.allowUnknownParameters);
  return { spec, cwd };
}

function checkCwd(inputs: RunInputs): string {
  const cwd = path.resolve(inputs.cwd ?? inputs.defaultCwd);
  const option = inputs.cwd !== undefined ? `--cwd ${inputs.cwd}` : `the kernel's working directory ${cwd}`;
  let stat: fs.Stats;
  try {
    stat = fs.statSync(cwd);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new PreflightError(option, code === 'ENOENT' || code === 'ENOTDIR' ? 'no such folder' : `cannot use it (${code ?? (err as Error).message})`);
  }
  if (!stat.isDirectory()) throw new PreflightError(option, 'not a folder');
  return cwd;
}

/** The kernel name to use: --kernel, else the notebook's kernelspec.name (which must be a string), else tslab. */
function kernelNameOf(nb: Notebook, inputs: RunInputs): { name: string; option: string } {
  if (inputs.kernel !== undefined) return { name: inputs.kernel, option: `--kernel ${inputs.kernel}` };
  const spec: unknown = nb.metadata.kernelspec;
  const name = spec && typeof spec === 'object' ? (spec as { name?: unknown }).name : undefined;
  const field = `${inputs.where}: metadata.kernelspec.name`;
  if (name === undefined) return { name: DEFAULT_KERNEL, option: '--kernel' };
  if (typeof name !== 'string' || name === '') throw new PreflightError(field, `must be a non-empty string, got ${JSON.stringify(name)} (fix the notebook's metadata or pass --kernel NAME)`);
  return { name, option: `${field} "${name}"` };
}

function checkKernel(nb: Notebook, inputs: RunInputs): KernelSpec {
  const { name, option } = kernelNameOf(nb, inputs);
  try {
    return findKernelspec(name, inputs.kernelspecDirs);
  } catch (err) {
    throw new PreflightError(option, (err as Error).message);
  }
}

const KIND_NAMES: Record<ValueKind, string> = { number: 'a number', string: 'a string', boolean: 'true/false', null: 'null', array: 'a JSON array', object: 'a JSON object' };

/**
 * Checks -p values against the notebook's parameters cell: every name declared there (unless
 * `allowUnknown`, papermill's behaviour) and each value of the kind its declaration admits.
 */
export function checkParameters(nb: Notebook, params: Record<string, ParameterValue>, where: string, allowUnknown: boolean): void {
  const names = Object.keys(params);
  if (names.length === 0) return;
  const cell = parametersCell(nb);
  if (!cell) {
    if (allowUnknown) return;
    throw new PreflightError(
      names.map((n) => `-p ${n}`).join(', '),
      `${where} has no parameters cell (a code cell tagged "parameters"), so it takes no parameters; --allow-unknown-parameters injects them anyway`,
    );
  }
  const declared = declaredParameters(joinSource(cell.source));
  const known = [...declared.keys()];
  const unknown = names.filter((n) => !declared.has(n));
  if (unknown.length && !allowUnknown) {
    const hints = unknown.map((n) => {
      const near = nearestName(n, known);
      return near ? `${n} (did you mean ${near}?)` : n;
    });
    throw new PreflightError(
      unknown.map((n) => `-p ${n}`).join(', '),
      `unknown parameter${unknown.length > 1 ? 's' : ''} ${hints.join(', ')}; the parameters cell of ${where} declares ${known.join(', ') || 'none'} (--allow-unknown-parameters injects new names)`,
    );
  }
  for (const [name, value] of Object.entries(params)) {
    const decl = declared.get(name);
    if (!decl?.kinds) continue;
    const given = valueKind(value);
    if (decl.kinds.includes(given)) continue;
    const declaration = `${decl.keyword} ${name}${decl.type !== undefined ? `: ${decl.type}` : ''}${decl.initializer !== undefined ? ` = ${decl.initializer}` : ''}`;
    const quoteHint = decl.kinds.includes('string') && typeof value !== 'string' ? `; quote it ('"${JSON.stringify(value)}"') to pass a string` : '';
    throw new PreflightError(
      `-p ${name}`,
      `expected ${decl.kinds.map((k) => KIND_NAMES[k]).join(' or ')} (the parameters cell declares \`${declaration}\`), got ${KIND_NAMES[given]}: ${JSON.stringify(value)}${quoteHint}`,
    );
  }
}

/** The known name closest to `name` when it looks like a typo of it (edit distance small for its length). */
export function nearestName(name: string, known: string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const k of known) {
    const d = k.toLowerCase() === name.toLowerCase() ? 0.5 : editDistance(name, k);
    if (!best || d < best.distance) best = { name: k, distance: d };
  }
  return best && best.distance <= Math.max(1, Math.floor(name.length / 3)) ? best.name : undefined;
}

/** Levenshtein distance. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

/**
 * Checks that the outputs `ipynbPath` and `htmlPath` can be written: their folder exists or can
 * be created (no file in the way), files can be created there, neither output is a folder, and
 * the .ipynb is not the input notebook once symlinks are resolved. `given` is what the user passed.
 */
export async function checkOutputPlace(
  notebookPath: string,
  outputs: { ipynbPath: string; htmlPath: string },
  given: { outputDir?: string; output?: string },
): Promise<void> {
  const dir = path.dirname(outputs.ipynbPath);
  const option = given.outputDir !== undefined ? `--output-dir ${given.outputDir}` : `the output folder ${dir}`;
  // The deepest part of the folder that exists: it must be a folder we can create entries in.
  let existing = dir;
  const missing: string[] = [];
  let stat: fs.Stats | undefined;
  while (!stat) {
    try {
      stat = await fs.promises.stat(existing);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || path.dirname(existing) === existing) throw new PreflightError(option, `cannot use ${existing} (${code ?? (err as Error).message})`);
      missing.unshift(path.basename(existing));
      existing = path.dirname(existing);
    }
  }
  if (!stat.isDirectory()) throw new PreflightError(option, `${existing} is a file, not a folder`);
  await probeWritable(existing, option);
  for (const file of [outputs.ipynbPath, outputs.htmlPath]) {
    const isDir = missing.length === 0 && (await fs.promises.stat(file).then((s) => s.isDirectory(), () => false));
    if (isDir) throw new PreflightError(given.output !== undefined ? `--output ${given.output}` : option, `${file} is a folder; choose another --output`);
  }
  const target = path.join(await fs.promises.realpath(existing), ...missing, path.basename(outputs.ipynbPath));
  if (target === (await fs.promises.realpath(notebookPath))) {
    throw new PreflightError(option, `${outputs.ipynbPath} is the input notebook (${target}); choose another --output or --output-dir`);
  }
}

/** Creates and removes an entry in `dir`, the only sure test that files can be written there. */
async function probeWritable(dir: string, option: string): Promise<void> {
  let probe: string;
  try {
    probe = await fs.promises.mkdtemp(path.join(dir, '.digit-lab-probe-'));
  } catch (err) {
    throw new PreflightError(option, `cannot create files in ${dir} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  await fs.promises.rmdir(probe);
}
