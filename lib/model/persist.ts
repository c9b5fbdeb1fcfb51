/**
 * Saving and loading models as a directory in the TensorFlow.js layers format (model.json +
 * weights.bin), with plain `fs` so no tfjs-node is needed. Saves are atomic: the files are written
 * to a temporary sibling directory that replaces the target only once complete.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
// Registers the Deskew layer, so that models with deskewed members load.
import './deskew-layer';

import { checkModelOutputDir, METADATA_KEY, MODEL_JSON_FILE, type ModelOutputDirOptions, WEIGHTS_FILE } from './output-dir';

export { checkModelOutputDir, isDigitLabModelJson, MODEL_JSON_FILE, modelOutputDirProblem, type ModelOutputDirOptions, WEIGHTS_FILE } from './output-dir';

/** What we record about a saved model (all optional; free-form extras allowed). */
export interface SavedModelMetadata {
  modelName?: string;
  testAccuracy?: number;
  testExamples?: number;
  dataSource?: string;
  backend?: string;
  epochs?: number;
  /** ISO date; filled in by saveModel when absent. */
  savedAt?: string;
  [key: string]: unknown;
}

/** A loaded model and the metadata saved with it. */
export interface LoadedModel {
  model: tf.LayersModel;
  metadata: SavedModelMetadata;
}

/**
 * Saves `model` into directory `dir` (created if needed, replaced if it holds an earlier model of
 * ours; a model.json digit-lab did not write is replaced only with `overwriteForeignModel`).
 * A failure at any point leaves the previous contents of `dir` untouched.
 */
export async function saveModel(model: tf.LayersModel, dir: string, metadata: SavedModelMetadata = {}, options: ModelOutputDirOptions = {}): Promise<void> {
  const target = path.resolve(dir);
  checkModelOutputDir(target, options);
  await fs.promises.mkdir(path.dirname(target), { recursive: true });
  const stamp = `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const temp = `${target}.tmp-${stamp}`;
  const meta: SavedModelMetadata = { ...metadata, savedAt: metadata.savedAt ?? new Date().toISOString() };
  try {
    await fs.promises.mkdir(temp);
    await model.save(tf.io.withSaveHandler(async (artifacts) => {
      // tfjs only saves the training config together with the optimizer's weights; we keep the
      // config (loss, metrics, optimizer settings) so a loaded model is compiled and can train on.
      if (artifacts.trainingConfig === undefined && model.optimizer) artifacts.trainingConfig = (model as unknown as { getTrainingConfig(): tf.io.TrainingConfig }).getTrainingConfig();
      await writeArtifacts(temp, artifacts, meta);
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    await replaceDirectory(temp, target);
  } catch (err) {
    await fs.promises.rm(temp, { recursive: true, force: true });
    throw new Error(`could not save the model to ${target}: ${(err as Error).message}`);
  }
}

async function writeArtifacts(dir: string, artifacts: tf.io.ModelArtifacts, metadata: SavedModelMetadata): Promise<void> {
  if (artifacts.weightData === undefined || artifacts.weightSpecs === undefined) {
    throw new Error('the model produced no weights');
  }
  const weights = tf.io.CompositeArrayBuffer.join(artifacts.weightData);
  const json: tf.io.ModelJSON = {
    modelTopology: artifacts.modelTopology as {},
    format: artifacts.format ?? 'layers-model',
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy ?? null,
    weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: artifacts.weightSpecs }],
    userDefinedMetadata: { ...(artifacts.userDefinedMetadata ?? {}), [METADATA_KEY]: metadata as {} },
  };
  if (artifacts.trainingConfig !== undefined) json.trainingConfig = artifacts.trainingConfig;
  await fs.promises.writeFile(path.join(dir, WEIGHTS_FILE), new Uint8Array(weights));
  await fs.promises.writeFile(path.join(dir, MODEL_JSON_FILE), JSON.stringify(json));
}

/** Moves `from` into place as `to`; an existing `to` is moved aside first and removed after. */
async function replaceDirectory(from: string, to: string): Promise<void> {
  let aside: string | undefined;
  if (fs.existsSync(to)) {
    aside = `${to}.old-${process.pid}-${Date.now()}`;
    await fs.promises.rename(to, aside);
  }
  try {
    await fs.promises.rename(from, to);
  } catch (err) {
    if (aside !== undefined) await fs.promises.rename(aside, to);
    throw err;
  }
  if (aside !== undefined) await fs.promises.rm(aside, { recursive: true, force: true });
}

/** Loads a model saved by saveModel (or any single-shard tfjs layers model directory). */
export async function loadModel(dir: string): Promise<LoadedModel> {
  const target = path.resolve(dir);
  const jsonPath = path.join(target, MODEL_JSON_FILE);
  if (!fs.existsSync(target)) throw new Error(`model directory not found: ${target}`);
  if (!fs.existsSync(jsonPath)) throw new Error(`not a model directory: ${jsonPath} is missing`);
  let json: tf.io.ModelJSON;
  try {
    json = JSON.parse(await fs.promises.readFile(jsonPath, 'utf8')) as tf.io.ModelJSON;
  } catch (err) {
    throw new Error(`${jsonPath}: not valid JSON (${oneLine((err as Error).message)})`);
  }
  if (typeof json !== 'object' || json === null || !json.modelTopology || !Array.isArray(json.weightsManifest)) {
    throw new Error(`${jsonPath}: not a TensorFlow.js layers model (modelTopology or weightsManifest missing)`);
  }
  const artifacts = await tf.io.getModelArtifactsForJSON(json, async (manifest) => {
    const specs: tf.io.WeightsManifestEntry[] = [];
    const buffers: ArrayBuffer[] = [];
    for (const group of manifest) {
      for (const p of group.paths) {
        const file = path.resolve(target, p);
        if (!fs.existsSync(file)) throw new Error(`${jsonPath}: weights file ${file} is missing`);
        const bytes = await fs.promises.readFile(file);
        buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
      }
      specs.push(...group.weights);
    }
    const data = tf.io.CompositeArrayBuffer.join(buffers);
    const expected = specs.reduce((sum, s) => sum + bytesOf(s), 0);
    if (data.byteLength !== expected) {
      throw new Error(`${path.join(target, WEIGHTS_FILE)}: ${data.byteLength} bytes, model.json expects ${expected}`);
    }
    return [specs, data];
  });
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel({ load: async () => artifacts });
  } catch (err) {
    // tfjs explains an unknown layer or a bad config over several lines; all of it stays, on one.
    throw new Error(`${jsonPath}: cannot build the model: ${oneLine((err as Error).message)}`);
  }
  const metadata = ((json.userDefinedMetadata ?? {}) as Record<string, unknown>)[METADATA_KEY];
  return { model, metadata: (metadata ?? {}) as SavedModelMetadata };
}

/** `message` with its line breaks (and the indentation around them) turned into single spaces. */
function oneLine(message: string): string {
  return message.trim().replace(/\s*\n\s*/g, ' ');
}

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, float16: 2 };

function bytesOf(spec: tf.io.WeightsManifestEntry): number {
  const count = spec.shape.reduce((a, b) => a * b, 1);
  const dtype = spec.quantization?.dtype ?? spec.dtype;
  const size = DTYPE_BYTES[dtype];
  if (size === undefined) throw new Error(`unsupported weight dtype ${dtype} for ${spec.name}`);
  return count * size;
}
