/**
 * Finding the user's pip TensorFlow: from a Python (whose site-packages hold it) or a package
 * folder given directly, and checking it can serve tfjs-node: platform, version, the C API
 * libraries and headers.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { PATCH_C_API } from './binding-patch';
import { definedDynamicSymbols, TFJS_NODE_C_API } from './elf';
import { NativeSetupError } from './errors';
import { which } from '../../common/which';

/** A TensorFlow package folder that carries what tfjs-node needs. */
export interface FoundTensorflow {
  version: string;
  /** The package folder (…/site-packages/tensorflow), real path. */
  location: string;
  /** The shared libraries the addon links against. */
  libraries: { cc: string; framework: string };
  /** The folder holding tensorflow/c/c_api.h. */
  include: string;
  /** The Python it was found through, if any. */
  python?: string;
}

export interface LocateOptions {
  /** A Python executable whose environment has TensorFlow. */
  python?: string;
  /** The TensorFlow package folder itself (takes precedence over python). */
  tensorflow?: string;
}

const INSTALL_HINT = 'install it with `python3 -m pip install tensorflow-cpu` (in a virtual environment), then pass `--python <that env>/bin/python`';

/** Platforms whose pip wheel carries libtensorflow_cc.so.2 and where tfjs-node's build links it. */
export function checkPlatform(platform = process.platform, arch = process.arch): void {
  if (platform !== 'linux' || (arch !== 'x64' && arch !== 'arm64')) {
    throw new NativeSetupError(
      `unsupported platform ${platform}-${arch}: \`digit-lab native\` builds on Linux x64 and arm64; the wasm backend works everywhere else`,
    );
  }
}

/** The Python candidates tried in order when none is given: python3 on PATH, then Debian's. */
export function defaultPythons(): string[] {
  const found = [which('python3'), '/usr/bin/python3'].filter((p): p is string => Boolean(p));
  return [...new Set(found)];
}

/** Where `python` has the tensorflow package, or null when it has none. */
function tensorflowFolderOf(python: string): string | null {
  const code = 'import importlib.util as u\ns = u.find_spec("tensorflow")\nprint(list(s.submodule_search_locations)[0] if s and s.submodule_search_locations else "")';
  const run = spawnSync(python, ['-c', code], { encoding: 'utf8', timeout: 60_000 });
  if (run.error) {
    const code = (run.error as NodeJS.ErrnoException).code;
    throw new NativeSetupError(code === 'ENOENT' ? `no python: ${python} was not found` : `cannot run ${python}: ${run.error.message}`);
  }
  if (run.status !== 0) throw new NativeSetupError(`${python} failed to look for TensorFlow: ${lastLine(run.stderr)}`);
  const folder = run.stdout.trim();
  return folder || null;
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1] ?? '';
}

/** TensorFlow's version from the dist-info folder pip left beside the package. */
export function tensorflowVersion(location: string): string | null {
  const site = path.dirname(location);
  let entries: string[];
  try {
    entries = fs.readdirSync(site);
  } catch {
    return null;
  }
  // tensorflow, tensorflow-cpu, tensorflow-intel, tf-nightly… all install the `tensorflow` package.
  for (const name of entries.sort()) {
    const m = /^(tensorflow|tensorflow_cpu|tensorflow_intel|tensorflow_aarch64|tf_nightly\w*)-([^-]+)\.dist-info$/.exec(name);
    if (m) return m[2];
  }
  return null;
}

/** Finds TensorFlow as asked and checks it carries the C API libraries and headers. */
export function locateTensorflow(options: LocateOptions = {}): FoundTensorflow {
  let location: string | null = null;
  let python: string | undefined;
  if (options.tensorflow) {
    location = path.resolve(options.tensorflow);
    if (!fs.existsSync(location)) throw new NativeSetupError(`--tensorflow ${options.tensorflow}: no such folder`);
  } else {
    const pythons = options.python ? [options.python] : defaultPythons();
    if (!pythons.length) throw new NativeSetupError(`no python: python3 is not on PATH (or pass --python <exe> or --tensorflow <dir>)`);
    const tried: string[] = [];
    for (const candidate of pythons) {
      const folder = tensorflowFolderOf(candidate);
      if (folder) {
        location = folder;
        python = candidate;
        break;
      }
      tried.push(candidate);
    }
    if (!location) throw new NativeSetupError(`no TensorFlow in ${tried.join(' or ')}: ${INSTALL_HINT}`);
  }
  location = fs.realpathSync(location);
  const version = tensorflowVersion(location) ?? 'unknown';
  const named = version === 'unknown' ? `the folder ${location}` : `TensorFlow ${version} in ${location}`;
  if (/^1\./.test(version)) throw new NativeSetupError(`TensorFlow ${version} in ${location} is too old: tfjs-node needs TensorFlow 2`);
  const libraries = { cc: path.join(location, 'libtensorflow_cc.so.2'), framework: path.join(location, 'libtensorflow_framework.so.2') };
  const include = path.join(location, 'include');
  const missing = [libraries.cc, libraries.framework, path.join(include, 'tensorflow', 'c', 'c_api.h'), path.join(include, 'tensorflow', 'c', 'eager', 'c_api.h')]
    .filter((f) => !fs.existsSync(f));
  if (missing.length) {
    throw new NativeSetupError(
      `${named} lacks the C API libraries and headers (${missing.map((f) => path.relative(location!, f)).join(', ')}); ` +
        'install the full pip wheel, e.g. `pip install tensorflow-cpu`',
    );
  }
  const symbols = new Set([...definedDynamicSymbols(libraries.cc), ...definedDynamicSymbols(libraries.framework)]);
  const absent = [...TFJS_NODE_C_API, ...PATCH_C_API].filter((name) => !symbols.has(name));
  if (absent.length) {
    throw new NativeSetupError(
      `${named} does not carry the C API tfjs-node calls (missing ${absent.slice(0, 3).join(', ')}${absent.length > 3 ? ` and ${absent.length - 3} more` : ''})`,
    );
  }
  return { version, location, libraries, include, python };
}
