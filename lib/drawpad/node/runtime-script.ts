/**
 * The pad's browser runtime (built by scripts/bundle-browser.js into dist/browser/) as an inline
 * `<script>` that runs only where the page does not have it yet, so several pads in one page
 * load TensorFlow.js once.
 */
import * as fs from 'fs';
import * as path from 'path';
import { digitLabRoot } from '../../common/paths';
import { PAD_RUNTIME_GLOBAL } from '../browser/constants';

/** Where the build puts the runtime, relative to the package root. */
export const PAD_RUNTIME_PATH = path.join('dist', 'browser', 'digit-pad-runtime.js');

/** The runtime file's absolute path (the env variable DIGIT_LAB_PAD_RUNTIME overrides it). */
export function padRuntimeFile(): string {
  return process.env.DIGIT_LAB_PAD_RUNTIME || path.join(digitLabRoot(), PAD_RUNTIME_PATH);
}

let cache: { file: string; mtimeMs: number; code: string } | null = null;

/**
 * In a development checkout whose build skipped the bundle step, builds the runtime where the
 * build would have put it (esbuild is a dev dependency); false when that is not possible.
 */
function buildMissingRuntime(file: string): boolean {
  if (process.env.DIGIT_LAB_PAD_RUNTIME) return false;
  try {
    const script = path.join(digitLabRoot(), 'scripts', 'bundle-browser.js');
    if (!fs.existsSync(script)) return false;
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { bundleBrowserRuntimeSync } = require(script) as { bundleBrowserRuntimeSync(o: { outFile: string }): unknown };
    bundleBrowserRuntimeSync({ outFile: file });
    process.stderr.write(`digit-lab: built the drawing pad's browser runtime ${file} (run \`npm run build\` to do this ahead of time)\n`);
    return true;
  } catch {
    return false;
  }
}

/**
 * The runtime's JavaScript. When the file is missing it is built on the spot if this is a
 * development checkout; otherwise this throws, saying how to build it.
 */
export function readPadRuntime(file = padRuntimeFile()): string {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    if (!buildMissingRuntime(file)) {
      throw new Error(`drawing pad: the browser runtime ${file} is missing; build it with \`node scripts/bundle-browser.js\` (part of \`npm run build\`)`);
    }
    stat = fs.statSync(file);
  }
  if (cache && cache.file === file && cache.mtimeMs === stat.mtimeMs) return cache.code;
  const code = fs.readFileSync(file, 'utf8');
  if (/<\/script/i.test(code)) throw new Error(`drawing pad: ${file} contains "</script" and cannot be inlined; rebuild it with scripts/bundle-browser.js`);
  cache = { file, mtimeMs: stat.mtimeMs, code };
  return code;
}

/** The runtime as a `<script>` element guarded by the page-wide global. */
export function padRuntimeScript(file?: string): string {
  return `<script>if(!window.${PAD_RUNTIME_GLOBAL}){${readPadRuntime(file)}\n}</script>`;
}
