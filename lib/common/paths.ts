/** Where digit-lab's own files are, whatever the working directory. */
import * as fs from 'fs';
import * as path from 'path';

let cachedRoot: string | undefined;

/**
 * The digit-lab package root: the nearest ancestor of this module with a package.json named
 * `digit-lab`. Works both from `lib/` (tests, tsx) and from the built `dist/lib/`, so a notebook
 * started anywhere finds the same data cache, notebooks and browser runtime.
 */
export function digitLabRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = __dirname;
  for (;;) {
    if (isDigitLabPackage(path.join(dir, 'package.json'))) return (cachedRoot = dir);
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  // Installed somewhere unusual: fall back to two levels above lib/common.
  return (cachedRoot = path.resolve(__dirname, '..', '..'));
}

function isDigitLabPackage(file: string): boolean {
  try {
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: unknown }).name === 'digit-lab';
  } catch {
    // Missing or unreadable: not ours, keep walking up.
    return false;
  }
}

/**
 * Where `file` is or would be once written, with every symlink on the way resolved: the real path
 * of its nearest existing ancestor plus the rest. Two paths naming one file compare equal.
 */
export function resolvedPath(file: string): string {
  const missing: string[] = [];
  let existing = path.resolve(file);
  for (;;) {
    try {
      return path.join(fs.realpathSync(existing), ...missing);
    } catch {
      if (path.dirname(existing) === existing) return path.join(existing, ...missing);
      missing.unshift(path.basename(existing));
      existing = path.dirname(existing);
    }
  }
}

/** Where `digit-lab train` saves the reference model; a model trained before the rename (`seed`) is still found. */
export function referenceModelDir(): string {
  const models = path.join(digitLabRoot(), 'data', 'models');
  const current = path.join(models, 'reference');
  const older = path.join(models, 'seed');
  return !fs.existsSync(current) && fs.existsSync(older) ? older : current;
}
