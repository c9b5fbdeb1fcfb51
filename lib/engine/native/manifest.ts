/** The record `digit-lab native` leaves of a finished build, read back by the backend picker. */
import * as fs from 'fs';
import { manifestPath } from './paths';

export interface NativeManifest {
  tensorflow: { version: string; location: string };
  /** The compiled addon (tfjs_binding.node). */
  addon: string;
  tfjsNode: string;
  node: { version: string; napi: string };
  builtAt: string;
  /** Which additions the binding was compiled with (BINDING_PATCH_LEVEL); absent before level 2. */
  bindingPatch?: number;
}

/** The manifest in `dir`, or null when there is none; a damaged one is an error naming the file. */
export function readManifest(dir?: string): NativeManifest | null {
  const file = manifestPath(dir);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  let parsed: Partial<NativeManifest>;
  try {
    parsed = JSON.parse(text) as Partial<NativeManifest>;
  } catch (err) {
    throw new Error(`${file} is not valid JSON (${(err as Error).message}); run \`digit-lab native\` again`);
  }
  if (typeof parsed.addon !== 'string' || typeof parsed.tensorflow?.location !== 'string') {
    throw new Error(`${file} lacks "addon" or "tensorflow.location"; run \`digit-lab native\` again`);
  }
  return parsed as NativeManifest;
}

/** Writes the manifest atomically, so an interrupted build never leaves a half-written one. */
export function writeManifest(manifest: NativeManifest, dir?: string): void {
  const file = manifestPath(dir);
  const part = `${file}.part`;
  fs.writeFileSync(part, JSON.stringify(manifest, null, 2) + '\n');
  fs.renameSync(part, file);
}
