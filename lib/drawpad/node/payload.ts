/**
 * A trained model -> the payload a drawing pad embeds: the layers-format topology and weights
 * (what `model.save` writes), the float32 weights optionally stored as float16 or uint8 with
 * tfjs' own weight quantization (so `tf.loadLayersModel` in the page decodes them, and
 * `padPayloadToModel` here loads exactly what the page will run).
 */
import * as tf from '@tensorflow/tfjs';
import type { PadModelPayload, PadWeightEncoding } from '../browser/payload-types';

export type { PadModelPayload, PadWeightEncoding } from '../browser/payload-types';
export const PAD_WEIGHT_ENCODINGS: readonly PadWeightEncoding[] = ['float32', 'float16', 'uint8'];

interface WeightSpec {
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

/** Affine uint8 per tensor: value = q * scale + min, tfjs' 'uint8' quantization. */
function encodeUint8(values: Float32Array): { bytes: Uint8Array; scale: number; min: number } {
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
  const scale = max > min ? (max - min) / 255 : 1;
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

/**
 * Serialises `model` for embedding in a pad. `encoding` 'uint8' (default) stores each float32
 * tensor in 8 bits (a quarter of the size; see the tests for the accuracy cost), 'float16' in
 * half precision, 'float32' as is. Weights that are not float32 are stored unchanged.
 *
 * Synchronous on purpose, so a notebook cell can show a pad without `await` (tslab prints a
 * bare promise and drops whatever it displays later). It builds what `model.save` would hand a
 * save handler (topology from `toJSON`, weights named by their original names, in `weights`
 * order); a test checks that the two agree.
 */
export function serializeModelForPad(model: tf.LayersModel, encoding: PadWeightEncoding = 'uint8'): PadModelPayload {
  if (!PAD_WEIGHT_ENCODINGS.includes(encoding)) {
    throw new Error(`drawing pad: unknown weight encoding ${JSON.stringify(encoding)}: use ${PAD_WEIGHT_ENCODINGS.join(', ')}`);
  }
  const modelTopology = model.toJSON(null, false);
  const variables = model.weights;
  const values = model.getWeights();
  if (variables.length !== values.length) throw new Error(`drawing pad: the model has ${variables.length} weights but ${values.length} values`);
  const specs: WeightSpec[] = [];
  const parts: Uint8Array[] = [];
  variables.forEach((variable, i) => {
    const value = values[i];
    const spec = { name: variable.originalName, shape: value.shape.slice(), dtype: value.dtype as string };
    if (value.dtype === 'int32' || encoding === 'float32') {
      specs.push(spec);
      const data = value.dataSync();
      parts.push(new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice());
    } else if (value.dtype !== 'float32') {
      throw new Error(`drawing pad: weight ${spec.name} has dtype ${value.dtype}, which the pad cannot embed`);
    } else if (encoding === 'float16') {
      specs.push({ ...spec, quantization: { dtype: 'float16' } });
      parts.push(encodeFloat16(value.dataSync() as Float32Array));
    } else {
      const q = encodeUint8(value.dataSync() as Float32Array);
      specs.push({ ...spec, quantization: { dtype: 'uint8', scale: q.scale, min: q.min } });
      parts.push(q.bytes);
    }
  });
  return {
    modelTopology,
    weightSpecs: specs,
    weightData: Buffer.from(concatBytes(parts)).toString('base64'),
    encoding,
  };
}

/** Loads a pad payload in Node exactly as the page does (same topology, same decoded weights). */
export async function padPayloadToModel(payload: PadModelPayload): Promise<tf.LayersModel> {
  const bytes = Buffer.from(payload.weightData, 'base64');
  const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return tf.loadLayersModel(tf.io.fromMemory({
    modelTopology: payload.modelTopology as tf.io.ModelArtifacts['modelTopology'],
    weightSpecs: payload.weightSpecs as tf.io.WeightsManifestEntry[],
    weightData,
  }));
}
