/**
 * Finding and loading a native tfjs-node: a real npm-installed one first, else the build made by
 * `digit-lab native`. Either registers the `tensorflow` backend with the project's @tensorflow/tfjs.
 */
import * as fs from 'fs';
import * as path from 'path';
import { readManifest } from './manifest';
import { nativeDir, nativePackageDir, TFJS_NODE } from './paths';

/** A tfjs-node that can be required, and where it came from. */
export interface NativeSource {
  kind: 'npm' | 'native-build';
  /** What to pass to require(). */
  entry: string;
  /** For the reason line: where it is and what it runs on. */
  describe: string;
}

/**
 * Whether the real native tfjs-node is installed with npm. Here `@tensorflow/tfjs-node` may be an
 * npm alias of plain `@tensorflow/tfjs` (made for danfojs-node), which must not count.
 */
export function detectTfjsNode(): { available: boolean; reason: string } {
  let pkgJson: string;
  try {
    pkgJson = require.resolve(`${TFJS_NODE}/package.json`);
  } catch {
    return { available: false, reason: `${TFJS_NODE} is not installed` };
  }
  try {
    const name = JSON.parse(fs.readFileSync(pkgJson, 'utf8')).name as string;
    if (name !== TFJS_NODE) {
      return { available: false, reason: `${TFJS_NODE} resolves to ${name} (an alias, not the native binding)` };
    }
  } catch (err) {
    return { available: false, reason: `cannot read ${path.relative(process.cwd(), pkgJson)}: ${(err as Error).message}` };
  }
  return { available: true, reason: `${TFJS_NODE} is installed` };
}

/** The `digit-lab native` build, if one is there and still complete. */
export function detectNativeBuild(dir = nativeDir()): { source?: NativeSource; reason: string } {
  const manifest = readManifest(dir);
  if (!manifest) return { reason: `no \`digit-lab native\` build in ${dir}` };
  if (!fs.existsSync(manifest.addon)) {
    return { reason: `the native build's addon ${manifest.addon} is missing; run \`digit-lab native\` again` };
  }
  const libDir = path.join(nativePackageDir(dir), 'deps', 'lib');
  for (const lib of safeReaddir(libDir)) {
    // A link whose target is gone: the TensorFlow it was built from was uninstalled or moved.
    if (!fs.existsSync(path.join(libDir, lib))) {
      return { reason: `the native build's TensorFlow (${manifest.tensorflow.location}) is gone; run \`digit-lab native\` again` };
    }
  }
  return {
    source: {
      kind: 'native-build',
      entry: nativePackageDir(dir),
      describe: `the \`digit-lab native\` build in ${dir}, on TensorFlow ${manifest.tensorflow.version} from ${manifest.tensorflow.location}`,
    },
    reason: 'found',
  };
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

/** The native tfjs-node to load: npm's real one, else the native build; the reason says why not. */
export function findNativeSource(): { source?: NativeSource; reason: string } {
  const npm = detectTfjsNode();
  if (npm.available) {
    return { source: { kind: 'npm', entry: TFJS_NODE, describe: `npm-installed ${TFJS_NODE}` }, reason: npm.reason };
  }
  const built = detectNativeBuild();
  if (built.source) return built;
  return { reason: `${npm.reason}, and ${built.reason} (run \`digit-lab native\` to build one from pip TensorFlow)` };
}

/** Requires a native tfjs-node, quietening TensorFlow's C++ info logs unless the user chose a level. */
export function loadNative(source: NativeSource): void {
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
  require(source.entry);
}
