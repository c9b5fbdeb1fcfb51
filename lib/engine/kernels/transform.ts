/**
 * `Transform` (tf.image.transform) for the wasm backend. The stock 4.22 kernel has two faults:
 * - fill mode 'reflect' is wrong left of and above the image: its C++ compares a coordinate with
 *   `-len` where `len` is unsigned, so the negation wraps to a huge number and every negative
 *   coordinate lands on the far edge (a 1x6 row [1..6] shifted 2 right gives [6,6,1,2,3,4];
 *   the cpu backend, TensorFlow and Keras/scipy give [2,1,1,2,3,4]);
 * - it reads and writes every image as float32, so int32 images (reachable through runKernel)
 *   come out wrong: bilinear blends integer bit patterns, and the fill value is stored as float bits.
 * Float32 images with fill modes constant, nearest and wrap agree with the cpu backend, so they
 * stay on the stock C++ kernel (the augmentation's default, 'nearest', keeps its speed). Reflect
 * and int32 images are sampled here with the cpu kernel's rules and arithmetic (doubles, the same
 * bilinear order), so they match cpu exactly, with two deliberate differences shared with the
 * stock kernel and TensorFlow: every image of a batch is transformed (the 4.22 cpu kernel stops
 * after the first), and nearest sampling rounds ties away from zero (std::round) where cpu's
 * Math.round rounds up, which only a sample exactly at -0.5 with fill mode 'constant' can show.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo, TransformAttrs } from '@tensorflow/tfjs';
import { heapOf, WasmBackendHandle, WasmKernelScope } from './wasm-scope';

type FillMode = TransformAttrs['fillMode'];
type Interpolation = TransformAttrs['interpolation'];

/** Maps a sample coordinate into the image along an axis of `len` pixels (NaN stays NaN). */
type CoordMap = (c: number, len: number) => number;

function clampCoord(c: number, len: number): number {
  // Written with comparisons, not Math.min/max, so NaN passes through as on cpu (and reads the fill value).
  return c < 0 ? 0 : c > len - 1 ? len - 1 : c;
}

/**
 * Fill mode 'reflect' (half-sample symmetric, `dcba|abcd|dcba`, scipy's 'reflect'): folds `c`
 * into [0, len - 1]. The clamp keeps a point between the last centre and the edge (len - 0.5)
 * from rounding or interpolating past the last pixel.
 */
export function reflectCoord(c: number, len: number): number {
  if (!(c < 0 || c > len - 1)) return c;
  if (len <= 1) return 0;
  const period = 2 * len;
  // The position within one period [0, period); floor rather than % (a slow call in V8 for
  // doubles). Rounding can give m = period for a c just below 0: it folds to -1, clamped to 0,
  // which is where c itself folds.
  const m = c - period * Math.floor(c / period);
  return clampCoord(m < len ? m : period - 1 - m, len);
}

/**
 * Fill mode 'wrap' as TensorFlow (and so tfjs's cpu kernel) computes it. Its step count divides
 * by len - 1 rather than len, so points about a width or more outside the image come back clamped
 * to an edge pixel instead of wrapped; kept so that results are those of cpu and of the stock
 * kernel for float32 images.
 */
function wrapCoord(c: number, len: number): number {
  if (!(c < 0 || c > len - 1)) return c;
  if (len <= 1) return 0;
  const steps = Math.trunc(Math.abs(c) / (len - 1));
  return clampCoord(c < 0 ? c + len * (steps + 1) : c - len * steps, len);
}

const COORD_MAPS: Record<FillMode, CoordMap> = {
  constant: (c) => c,
  nearest: clampCoord,
  reflect: reflectCoord,
  wrap: wrapCoord,
};

const INTERPOLATIONS: readonly Interpolation[] = ['nearest', 'bilinear'];

/** std::round: ties away from zero (Math.round sends -0.5 to 0, std::round to -1). */
function roundHalfAway(v: number): number {
  return v < 0 ? -Math.round(-v) : Math.round(v);
}

/** What one sampleTransform call samples: typed views on the heap and the geometry. */
export interface TransformSampling {
  src: Float32Array | Int32Array;
  dst: Float32Array | Int32Array;
  /** One 8-vector per image, or a single one for all (`perImage` false). */
  transforms: Float64Array;
  perImage: boolean;
  batch: number;
  height: number;
  width: number;
  channels: number;
  outHeight: number;
  outWidth: number;
  map: CoordMap;
  nearest: boolean;
  fill: number;
}

/**
 * Samples every output pixel as tfjs's cpu kernel does (NHWC, output -> input projective map).
 * The coordinates are shared by a pixel's channels, so they are mapped once per pixel.
 */
export function sampleTransform(s: TransformSampling): void {
  const { src, dst, height: h, width: w, channels: ch, outHeight, outWidth, map, fill } = s;
  let o = 0;
  for (let b = 0; b < s.batch; b++) {
    const k = s.perImage ? 8 * b : 0;
    const [a0, a1, a2, b0, b1, b2, c0, c1] = s.transforms.subarray(k, k + 8);
    const base = b * h * w * ch;
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++) {
        const projection = c0 * ox + c1 * oy + 1;
        if (projection === 0) {
          // The point is at infinity, outside any image.
          for (let c = 0; c < ch; c++) dst[o++] = fill;
          continue;
        }
        const x = map((a0 * ox + a1 * oy + a2) / projection, w);
        const y = map((b0 * ox + b1 * oy + b2) / projection, h);
        if (s.nearest) {
          const xi = roundHalfAway(x);
          const yi = roundHalfAway(y);
          if (xi >= 0 && xi < w && yi >= 0 && yi < h) {
            const at = base + (yi * w + xi) * ch;
            for (let c = 0; c < ch; c++) dst[o++] = src[at + c];
          } else {
            for (let c = 0; c < ch; c++) dst[o++] = fill;
          }
          continue;
        }
        const x0 = Math.floor(x);
        const y0 = Math.floor(y);
        const wx0 = x0 + 1 - x;
        const wx1 = x - x0;
        const wy0 = y0 + 1 - y;
        const wy1 = y - y0;
        // Offsets of the four neighbours, -1 for one outside the image: it reads the fill value
        // (with weight 0 unless the point itself is outside, as in cpu's arithmetic).
        const inX0 = x0 >= 0 && x0 < w;
        const inX1 = x0 + 1 >= 0 && x0 + 1 < w;
        const inY0 = y0 >= 0 && y0 < h;
        const inY1 = y0 + 1 >= 0 && y0 + 1 < h;
        const row0 = base + y0 * w * ch;
        const row1 = row0 + w * ch;
        const p00 = inY0 && inX0 ? row0 + x0 * ch : -1;
        const p01 = inY0 && inX1 ? row0 + (x0 + 1) * ch : -1;
        const p10 = inY1 && inX0 ? row1 + x0 * ch : -1;
        const p11 = inY1 && inX1 ? row1 + (x0 + 1) * ch : -1;
        for (let c = 0; c < ch; c++) {
          const v00 = p00 < 0 ? fill : src[p00 + c];
          const v01 = p01 < 0 ? fill : src[p01 + c];
          const v10 = p10 < 0 ? fill : src[p10 + c];
          const v11 = p11 < 0 ? fill : src[p11 + c];
          // cpu's order of operations, so float32 results are bit-identical and int32 ones truncate alike.
          dst[o++] = wy0 * (wx0 * v00 + wx1 * v01) + wy1 * (wx0 * v10 + wx1 * v11);
        }
      }
    }
  }
}

function heapView(wasm: WasmBackendHandle, t: TensorInfo): Float32Array | Int32Array {
  const offset = wasm.dataIdMap.get(t.dataId).memoryOffset;
  const size = tf.util.sizeFromShape(t.shape);
  return t.dtype === 'int32' ? new Int32Array(heapOf(wasm), offset, size) : new Float32Array(heapOf(wasm), offset, size);
}

function checkAttrs(image: TensorInfo, transforms: TensorInfo, attrs: TransformAttrs): void {
  // Attrs reach a kernel untyped through runKernel: a typo would otherwise silently mean 'constant'.
  if (!Object.prototype.hasOwnProperty.call(COORD_MAPS, attrs.fillMode)) {
    throw new Error(`Transform: fillMode must be one of ${Object.keys(COORD_MAPS).join(', ')}, got ${String(attrs.fillMode)}`);
  }
  if (!INTERPOLATIONS.includes(attrs.interpolation)) {
    throw new Error(`Transform: interpolation must be one of ${INTERPOLATIONS.join(', ')}, got ${String(attrs.interpolation)}`);
  }
  if (image.shape.length !== 4) throw new Error(`Transform: image must be rank 4, got shape [${image.shape.join(', ')}]`);
  const [n, k] = transforms.shape;
  if (transforms.shape.length !== 2 || k !== 8 || (n !== 1 && n !== image.shape[0])) {
    throw new Error(`Transform: transforms must be [1, 8] or [${image.shape[0]}, 8], got [${transforms.shape.join(', ')}]`);
  }
  for (const t of [image, transforms]) {
    if (t.dtype !== 'float32' && t.dtype !== 'int32') throw new Error(`Transform: float32 or int32 tensors only, got ${t.dtype}`);
  }
}

/** tfjs's Transform on the wasm backend: stock kernel where it is right, our sampling elsewhere. */
export const transformWasm: KernelFunc = ({ inputs, backend, attrs }) => {
  const { image, transforms } = inputs as { image: TensorInfo; transforms: TensorInfo };
  const a = attrs as unknown as TransformAttrs;
  checkAttrs(image, transforms, a);
  const wasm = backend as WasmBackendHandle;
  if (image.dtype === 'float32' && transforms.dtype === 'float32' && a.fillMode !== 'reflect') {
    const scope = new WasmKernelScope(wasm);
    return scope.finish(scope.run('Transform', { image, transforms }, attrs as tf.NamedAttrMap));
  }
  const [batch, height, width, channels] = image.shape;
  const [outHeight, outWidth] = a.outputShape ?? [height, width];
  const out = wasm.makeOutput([batch, outHeight, outWidth, channels], image.dtype);
  // Views are taken after makeOutput: allocating may grow (and so replace) the heap buffer.
  sampleTransform({
    src: heapView(wasm, image),
    dst: heapView(wasm, out),
    transforms: Float64Array.from(heapView(wasm, transforms)),
    perImage: transforms.shape[0] > 1,
    batch, height, width, channels, outHeight, outWidth,
    map: COORD_MAPS[a.fillMode],
    nearest: a.interpolation === 'nearest',
    fill: a.fillValue ?? 0,
  });
  return out;
};

/** Our Transform on 'wasm' (register.ts keeps the stock one for transformWasm to call). */
export const transformConfig: KernelConfig = { kernelName: tf.Transform, backendName: 'wasm', kernelFunc: transformWasm };
