/**
 * A trained model -> the payload a drawing pad embeds: the layers-format topology and weights
 * (what `model.save` writes), the float32 weights optionally stored as float16 or uint8 with
 * tfjs' own weight quantization (so `tf.loadLayersModel` in the page decodes them, and
 * `padPayloadToModel` here loads exactly what the page will run), gzipped (the page unpacks them
 * with the browser's DecompressionStream).
 */
import * as zlib from 'zlib';
import * as tf from '@tensorflow/tfjs';
// Registers the Deskew layer, so that models with deskewed members load from a payload.
import '../../model/deskew-layer';
import type { PadModelPayload, PadWeightEncoding } from '../browser/payload-types';

export type { PadModelPayload, PadWeightEncoding } from '../browser/payload-types';
export const PAD_WEIGHT_ENCODINGS: readonly PadWeightEncoding[] = ['float32', 'float16', 'uint8', 'compact'];

/**
 * 'compact' keeps tensors up to this many values at full uint8 precision: they are a few percent
 * of a CNN's bytes but include the first and last layers, where rounding errors weigh most.
 */
export const COMPACT_FULL_PRECISION_MAX_VALUES = 16_384;
/**
 * 'compact' rounds a larger tensor to steps of its standard deviation divided by this. With the
 * reference CNN's weights, 2 costs no accuracy on held-out digits (see test/drawpad/recognise.spec.ts)
 * and leaves about 3.3 bits per weight after gzip (uint8 over the full range: about 6.8).
 */
export const COMPACT_STEPS_PER_STD = 2;

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; scale?: number; min?: number };
}

/** float32 -> IEEE half (round to nearest even), as tfjs' float16 decoder expects. */
function toFloat16(value: number): number {
  const f32 = new Float32Array([value]);
  const bits = new Uint32Array(f32.buffer)[0];
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  let mant = bits & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >> shift;
    const rest = mant & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++;
  return sign | half; // a carry into the exponent is the correct rounding
}

function encodeFloat16(values: Float32Array): Uint8Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = toFloat16(values[i]);
  return new Uint8Array(out.buffer);
}

function standardDeviation(values: Float32Array): number {
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / values.length;
  let squares = 0;
  for (const v of values) squares += (v - mean) * (v - mean);
  return Math.sqrt(squares / values.length);
}

/**
 * Affine uint8 per tensor: value = q * scale + min, tfjs' 'uint8' quantization. The step is the
 * range over 255, or `minStep` where that is coarser.
 */
function encodeUint8(values: Float32Array, minStep = 0): { bytes: Uint8Array; scale: number; min: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!Number.isFinite(min) || !Number.isFinite(max)) {
    if (values.length === 0) return { bytes: new Uint8Array(0), scale: 1, min: 0 };
    throw new Error('drawing pad: the model has non-finite weights (NaN or infinity); was training diverging?');
  }
  const scale = max > min ? Math.max((max - min) / 255, minStep) : 1;
  const bytes = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) bytes[i] = Math.round((values[i] - min) / scale);
  return { bytes, scale, min };
}

function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** The step 'compact' rounds a tensor to (0: the full uint8 precision of its range). */
function compactStep(values: Float32Array): number {
  if (values.length <= COMPACT_FULL_PRECISION_MAX_VALUES) return 0;
  return standardDeviation(values) / COMPACT_STEPS_PER_STD;
}

/**
 * gzip with Huffman coding only: quantised weights have no repeats for LZ77 to find, only a
 * skewed distribution of byte values, and Huffman alone packs them about 10% tighter than the
 * default strategy does.
 */
function gzipWeights(bytes: Uint8Array): Buffer {
  return zlib.gzipSync(bytes, { level: 9, strategy: zlib.constants.Z_HUFFMAN_ONLY });
}

/**
 * Serialises `model` for embedding in a pad. `encoding` 'compact' (default) stores the large
 * float32 tensors as uint8 codes on a grid of half their standard deviation and the others in
 * full uint8 precision (the reference CNN's weights in about 250 KB; see the tests for the
 * accuracy cost), 'uint8' each float32 tensor in 256 levels over its range, 'float16' in half
 * precision, 'float32' as is. Weights that are not float32 are stored unchanged. The bytes are
 * gzipped.
 *
 * Synchronous on purpose, so a notebook cell can show a pad without `await` (tslab prints a
 * bare promise and drops whatever it displays later). It builds what `model.save` would hand a
 * save handler (topology from `toJSON`, weights named by their original names, in `weights`
 * order); a test checks that the two agree.
 */
export function serializeModelForPad(model: tf.LayersModel, encoding: PadWeightEncoding = 'compact'): PadModelPayload {
  checkEncoding(encoding);
  const modelTopology = model.toJSON(null, false);
  const variables = model.weights;
  const values = model.getWeights();
  if (variables.length !== values.length) throw new Error(`drawing pad: the model has ${variables.length} weights but ${values.length} values`);
  const tensors = variables.map((variable, i) => {
    const value = values[i];
    return { spec: { name: variable.originalName, shape: value.shape.slice(), dtype: value.dtype as string }, data: value.dataSync() as Float32Array | Int32Array };
  });
  return { modelTopology, ...encodeTensors(tensors, encoding), encoding, compression: 'gzip' };
}

/**
 * The same for a model given as its saved artifacts (topology, weight specs of float32 and int32
 * tensors, and their bytes little-endian, as `model.save` writes them): for a model embedded in
 * the code, such as the reader's judge, without loading it (which would be asynchronous).
 */
export function serializeArtifactsForPad(modelTopology: unknown, weightSpecs: readonly WeightSpec[], weightBytes: Uint8Array, encoding: PadWeightEncoding = 'compact'): PadModelPayload {
  checkEncoding(encoding);
  let offset = 0;
  const tensors = weightSpecs.map((spec) => {
    if (spec.dtype !== 'float32' && spec.dtype !== 'int32') throw new Error(`drawing pad: weight ${spec.name} has dtype ${spec.dtype}, which the pad cannot embed`);
    if (spec.quantization) throw new Error(`drawing pad: weight ${spec.name} is quantized already`);
    const count = spec.shape.reduce((a, b) => a * b, 1);
    if (offset + 4 * count > weightBytes.length) throw new Error(`drawing pad: the weights end before ${spec.name} (${weightBytes.length} bytes)`);
    const bytes = weightBytes.slice(offset, offset + 4 * count);
    offset += 4 * count;
    const data = spec.dtype === 'int32' ? new Int32Array(bytes.buffer) : new Float32Array(bytes.buffer);
    return { spec: { name: spec.name, shape: spec.shape.slice(), dtype: spec.dtype }, data };
  });
  if (offset !== weightBytes.length) throw new Error(`drawing pad: ${weightBytes.length - offset} bytes of weights left over after the last weight spec`);
  return { modelTopology, ...encodeTensors(tensors, encoding), encoding, compression: 'gzip' };
}

function checkEncoding(encoding: PadWeightEncoding): void {
  if (!PAD_WEIGHT_ENCODINGS.includes(encoding)) {
    throw new Error(`drawing pad: unknown weight encoding ${JSON.stringify(encoding)}: use ${PAD_WEIGHT_ENCODINGS.join(', ')}`);
  }
}

/** Encodes each tensor as `encoding` says (see serializeModelForPad), concatenated and gzipped. */
function encodeTensors(tensors: { spec: WeightSpec; data: Float32Array | Int32Array }[], encoding: PadWeightEncoding): { weightSpecs: WeightSpec[]; weightData: string } {
  const specs: WeightSpec[] = [];
  const parts: Uint8Array[] = [];
  for (const { spec, data } of tensors) {
    if (spec.dtype === 'int32' || encoding === 'float32') {
      specs.push(spec);
      parts.push(new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice());
    } else if (spec.dtype !== 'float32') {
      throw new Error(`drawing pad: weight ${spec.name} has dtype ${spec.dtype}, which the pad cannot embed`);
    } else if (encoding === 'float16') {
      specs.push({ ...spec, quantization: { dtype: 'float16' } });
      parts.push(encodeFloat16(data as Float32Array));
    } else {
      const q = encodeUint8(data as Float32Array, encoding === 'compact' ? compactStep(data as Float32Array) : 0);
      specs.push({ ...spec, quantization: { dtype: 'uint8', scale: q.scale, min: q.min } });
      parts.push(q.bytes);
    }
  }
  return { weightSpecs: specs, weightData: gzipWeights(concatBytes(parts)).toString('base64') };
}

/** Loads a pad payload in Node exactly as the page does (same topology, same decoded weights). */
export async function padPayloadToModel(payload: PadModelPayload): Promise<tf.LayersModel> {
  const packed = Buffer.from(payload.weightData, 'base64');
  const bytes = payload.compression === 'gzip' ? zlib.gunzipSync(packed) : packed;
  const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return tf.loadLayersModel(tf.io.fromMemory({
    modelTopology: payload.modelTopology as tf.io.ModelArtifacts['modelTopology'],
    weightSpecs: payload.weightSpecs as tf.io.WeightsManifestEntry[],
    weightData,
  }));
}
