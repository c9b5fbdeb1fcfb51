/**
 * The pad's browser runtime (built by scripts/bundle-browser.js into dist/browser/) as an inline
 * `<script>`: the bundle gzipped and base64-encoded (a quarter of its size), with a small loader
 * that unpacks it with the browser's DecompressionStream and runs it, only where the page does not
 * have it yet, so several pads in one page load TensorFlow.js once.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { digitLabRoot } from '../../common/paths';
import { PAD_RUNTIME_GLOBAL, PAD_RUNTIME_LOADING } from '../browser/constants';

/** Where the build puts the runtime, relative to the package root. */
export const PAD_RUNTIME_PATH = path.join('dist', 'browser', 'digit-pad-runtime.js');

/** The runtime file's absolute path (the env variable DIGIT_LAB_PAD_RUNTIME overrides it). */
export function padRuntimeFile(): string {
  return process.env.DIGIT_LAB_PAD_RUNTIME || path.join(digitLabRoot(), PAD_RUNTIME_PATH);
}

let cache: { file: string; mtimeMs: number; code: string; packed?: string } | null = null;

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

/** The runtime gzipped (best compression) and base64-encoded, cached with the file's text. */
export function packedPadRuntime(file?: string): string {
  readPadRuntime(file);
  const entry = cache!;
  if (entry.packed === undefined) entry.packed = zlib.gzipSync(Buffer.from(entry.code, 'utf8'), { level: 9 }).toString('base64');
  return entry.packed;
}

/**
 * The loader (ES5, inline): unpacks the runtime and runs it as a script element of its own (no
 * eval). A browser that cannot unpack it, or a runtime that fails to start, is reported in the
 * notices of the pads still waiting, and in the console.
 */
function runtimeLoader(packed: string): string {
  const G = `window.${PAD_RUNTIME_GLOBAL}`;
  const L = `window.${PAD_RUNTIME_LOADING}`;
  return `if(!${G}&&!${L}){${L}=1;(function(packed){` +
    `function fail(e){${L}=0;var m='digit-lab drawing pad: the runtime could not be started: '+(e&&e.message||e);console.error(m);` +
    `var n=document.querySelectorAll('.dlp-host:not([data-dlp-mounted]) .dlp-notice');for(var i=0;i<n.length;i++)n[i].textContent=m;}` +
    `try{if(typeof DecompressionStream!=='function')throw new Error('this browser lacks DecompressionStream (Chrome 80, Firefox 113, Safari 16.4 or later have it)');` +
    `var s=atob(packed),b=new Uint8Array(s.length);for(var i=0;i<s.length;i++)b[i]=s.charCodeAt(i);` +
    `new Response(new Blob([b]).stream().pipeThrough(new DecompressionStream('gzip'))).text().then(function(code){` +
    `var el=document.createElement('script');el.textContent=code+'\\n//# sourceURL=digit-pad-runtime.js';(document.head||document.documentElement).appendChild(el);el.remove();` +
    `${L}=0;if(!${G})fail('it did not start (see the error above)');}).catch(fail);}catch(e){fail(e);}})(${JSON.stringify(packed)});}`;
}

/** The runtime as a `<script>` element, packed, guarded by the page-wide globals. */
export function padRuntimeScript(file?: string): string {
  return `<script>${runtimeLoader(packedPadRuntime(file))}</script>`;
}
