#!/usr/bin/env node
/**
 * Builds the browser runtime of the drawing pads: lib/drawpad/browser/runtime.ts with TensorFlow.js
 * (core + layers + cpu backend), lib/imaging's preprocessing and lib/reading's number reader (the
 * pure part, for the wide number pad), as one minified IIFE script at
 * dist/browser/digit-pad-runtime.js (about 600 KB). Part of the build (`tsc -p tsconfig.json && node
 * scripts/bundle-browser.js`), so notebooks need no bundler at run time. Each pad output embeds it
 * gzipped and base64-encoded (about 215 KB; lib/drawpad/node/runtime-script.ts), unpacked in the page.
 *
 *   node scripts/bundle-browser.js [--out FILE] [--no-minify] [--metafile FILE]
 */
'use strict';
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const ENTRY = path.join(ROOT, 'lib', 'drawpad', 'browser', 'runtime.ts');
const DEFAULT_OUT = path.join(ROOT, 'dist', 'browser', 'digit-pad-runtime.js');

/**
 * esbuild options of the runtime. The script must be inlined into HTML, so "</script" may not
 * appear in it; and it must not register itself with an AMD loader (classic Notebook has
 * RequireJS on the page), so the `define` that bundled UMD code checks for is compiled away.
 */
function buildOptions(options) {
  return {
    entryPoints: [ENTRY],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: ['es2020'],
    minify: options.minify !== false,
    legalComments: 'eof',
    define: { define: 'undefined', 'process.env.NODE_ENV': '"production"' },
    metafile: Boolean(options.metafile),
    logLevel: 'silent',
  };
}

function outputCode(result) {
  const code = Buffer.from(result.outputFiles[0].contents).toString('utf8');
  return /<\/script/i.test(code) ? code.replace(/<\/(script)/gi, '<\\/$1') : code;
}

function writeAtomically(outFile, code) {
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  const temp = `${outFile}.tmp-${process.pid}-${Date.now()}`;
  fs.writeFileSync(temp, code);
  fs.renameSync(temp, outFile);
}

/** Bundles the pad runtime and writes it atomically; resolves to the output path and its size. */
async function bundleBrowserRuntime(options = {}) {
  const esbuild = require('esbuild');
  const outFile = path.resolve(options.outFile || DEFAULT_OUT);
  const result = await esbuild.build(buildOptions(options));
  const code = outputCode(result);
  writeAtomically(outFile, code);
  if (options.metafile) fs.writeFileSync(options.metafile, JSON.stringify(result.metafile));
  return { outFile, bytes: Buffer.byteLength(code) };
}

/** The same, synchronously (for building on first use when the build step was skipped). */
function bundleBrowserRuntimeSync(options = {}) {
  const esbuild = require('esbuild');
  const outFile = path.resolve(options.outFile || DEFAULT_OUT);
  const code = outputCode(esbuild.buildSync(buildOptions(options)));
  writeAtomically(outFile, code);
  return { outFile, bytes: Buffer.byteLength(code) };
}

module.exports = { bundleBrowserRuntime, bundleBrowserRuntimeSync, DEFAULT_OUT };

if (require.main === module) {
  const args = process.argv.slice(2);
  const value = (flag) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  bundleBrowserRuntime({ outFile: value('--out'), minify: !args.includes('--no-minify'), metafile: value('--metafile') })
    .then(({ outFile, bytes }) => {
      process.stderr.write(`bundle-browser: ${path.relative(process.cwd(), outFile)} (${(bytes / 1024).toFixed(0)} KiB)\n`);
    })
    .catch((err) => {
      process.stderr.write(`bundle-browser: ${err && err.message ? err.message : err}\n`);
      process.exit(1);
    });
}
