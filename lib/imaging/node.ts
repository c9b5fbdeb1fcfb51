/**
 * The Node half of imaging: PNG / JPEG files and bytes -> grayscale DigitImage (pngjs and
 * jpeg-js), with the size checked from the header before any pixel is decoded, and a file ->
 * 28x28 MNIST-style input. The pixel pipeline itself (./preprocess) is pure, so the browser
 * bundles the very same code.
 */
import { promises as fs } from 'fs';
import { PNG } from 'pngjs';
import * as jpeg from 'jpeg-js';
import { rgbaToDigitImage } from './gray';
import type { DigitImage } from './gray';
import { preprocessDigit } from './preprocess';
import type { PreprocessOptions, PreprocessedDigit } from './preprocess';

/** Largest image accepted, in pixels (50 megapixels). */
export const MAX_IMAGE_PIXELS = 50_000_000;

/** The image formats we decode. */
export type DigitImageFormat = 'png' | 'jpeg';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Recognises the format from the first bytes, or returns null. */
export function sniffImageFormat(buf: Uint8Array): DigitImageFormat | null {
  if (buf.length >= 8 && PNG_SIGNATURE.every((b, i) => buf[i] === b)) return 'png';
  if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return 'jpeg';
  return null;
}

/** Width and height from a PNG's IHDR chunk, or null when the header is cut short. */
function pngSize(buf: Buffer): [number, number] | null {
  if (buf.length < 24 || buf.toString('latin1', 12, 16) !== 'IHDR') return null;
  return [buf.readUInt32BE(16), buf.readUInt32BE(20)];
}

/** Width and height from a JPEG's start-of-frame marker, or null when none is found. */
function jpegSize(buf: Buffer): [number, number] | null {
  let p = 2;
  while (p + 4 <= buf.length) {
    if (buf[p] !== 0xff) return null;
    const marker = buf[p + 1];
    if (marker === 0xff) {
      p++; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      p += 2; // markers without a length
      continue;
    }
    const length = buf.readUInt16BE(p + 2);
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) {
      if (p + 9 > buf.length) return null;
      return [buf.readUInt16BE(p + 7), buf.readUInt16BE(p + 5)];
    }
    if (marker === 0xda) return null; // scan data before any frame header
    p += 2 + length;
  }
  return null;
}

function describeStart(buf: Buffer): string {
  const head = buf.subarray(0, 8);
  const printable = /^[\x20-\x7e\t\n\r]*$/.test(head.toString('latin1'));
  return printable ? JSON.stringify(head.toString('latin1')) : head.toString('hex').replace(/(..)/g, '$1 ').trim();
}

/**
 * Decodes PNG or JPEG bytes to a grayscale image. Throws a clear error starting with
 * `nameForErrors` for: an empty buffer, bytes that are not PNG/JPEG, an image over
 * `maxPixels`, and damaged data.
 */
export function decodeImageBuffer(buf: Buffer | Uint8Array, nameForErrors: string, maxPixels = MAX_IMAGE_PIXELS): DigitImage {
  const bytes = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (bytes.length === 0) throw new Error(`${nameForErrors}: empty file (0 bytes), not an image`);
  const format = sniffImageFormat(bytes);
  if (!format) {
    throw new Error(`${nameForErrors}: not a PNG or JPEG image (file starts with ${describeStart(bytes)})`);
  }
  const label = format === 'png' ? 'PNG' : 'JPEG';
  const size = format === 'png' ? pngSize(bytes) : jpegSize(bytes);
  if (!size) throw new Error(`${nameForErrors}: unreadable ${label}: the header is damaged or cut short`);
  const [width, height] = size;
  if (width < 1 || height < 1) throw new Error(`${nameForErrors}: unreadable ${label}: size ${width}x${height}`);
  if (width * height > maxPixels) {
    throw new Error(
      `${nameForErrors}: image too large: ${width}x${height} = ${((width * height) / 1e6).toFixed(1)} megapixels, ` +
        `the limit is ${(maxPixels / 1e6).toFixed(1)}; scale it down first`,
    );
  }
  try {
    if (format === 'png') {
      const png = PNG.sync.read(bytes);
      return rgbaToDigitImage(png.data, png.width, png.height);
    }
    const decoded = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      tolerantDecoding: false,
      maxResolutionInMP: Math.ceil(maxPixels / 1e6),
      maxMemoryUsageInMB: 2048,
    });
    return rgbaToDigitImage(decoded.data, decoded.width, decoded.height);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`${nameForErrors}: unreadable ${label}, damaged or cut short (${reason})`);
  }
}

/** A preprocessed digit file, with the decoded picture it came from. */
export interface PreprocessedDigitFile extends PreprocessedDigit {
  source: DigitImage;
}

/**
 * Reads and decodes a PNG or JPEG file to grayscale. Errors name the file: missing or
 * unreadable, empty, not an image, larger than `maxPixels`, damaged.
 */
export async function decodeImageFile(path: string, maxPixels = MAX_IMAGE_PIXELS): Promise<DigitImage> {
  let buf: Buffer;
  try {
    buf = await fs.readFile(path);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'is a directory' : e.message;
    throw new Error(`${path}: cannot read image: ${why}`);
  }
  return decodeImageBuffer(buf, path, maxPixels);
}

/** Decodes an image file and prepares it as a 28x28 MNIST-style input (see `preprocessDigit`). */
export async function preprocessImageFile(path: string, options: PreprocessOptions = {}): Promise<PreprocessedDigitFile> {
  const source = await decodeImageFile(path);
  try {
    return { ...preprocessDigit(source, options), source };
  } catch (err) {
    throw new Error(`${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
