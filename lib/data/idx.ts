/**
 * The IDX file format of MNIST and its relatives: a big-endian header (two zero bytes, a type
 * code, the number of dimensions, then one uint32 size per dimension) followed by the items.
 * We read and write unsigned-byte IDX only, raw or gzip-compressed, and check every header field
 * against the file's length and what the caller expects, so a damaged file is reported by name
 * instead of silently producing garbage tensors.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';

/** Type code of unsigned-byte items, the only IDX element type MNIST-format data sets use. */
export const IDX_TYPE_UBYTE = 0x08;
/** Magic number of a label file: unsigned bytes, one dimension (2049). */
export const IDX_LABELS_MAGIC = 0x00000801;
/** Magic number of an image file: unsigned bytes, three dimensions (2051). */
export const IDX_IMAGES_MAGIC = 0x00000803;
/** Bytes before the dimension sizes: 0x00 0x00 type ndims. */
const IDX_MAGIC_BYTES = 4;
/** Bytes per dimension size in the header. */
const IDX_DIM_BYTES = 4;
/** IDX allows at most 255 dimensions (one byte); more than a handful means a corrupt header. */
const IDX_MAX_DIMS = 8;
/** The two bytes every gzip stream starts with. */
const GZIP_MAGIC = [0x1f, 0x8b];
/** Refuse to inflate beyond this (the largest MNIST-format file, EMNIST byclass, is ~550 MB). */
const MAX_INFLATED_BYTES = 1024 * 1024 * 1024;

/** An unsigned-byte IDX array: its dimensions and its items in row-major order. */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/** What the caller knows about a file; every given field is checked. */
export interface IdxExpectation {
  /** `images` needs magic 2051 (3 dims), `labels` needs magic 2049 (1 dim). */
  kind?: 'images' | 'labels';
  /** Number of items (first dimension). */
  count?: number;
  rows?: number;
  cols?: number;
  /** For label files: labels must be in 0..classes-1. */
  classes?: number;
}

/** A file that is not a valid IDX file, or not the one expected. `message` names file and problem. */
export class IdxFormatError extends Error {
  constructor(readonly file: string, readonly problem: string) {
    super(`${file}: ${problem}`);
    this.name = 'IdxFormatError';
  }
}

/** True when the bytes start like a gzip stream. */
export function isGzipBytes(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

/** Inflates gzip bytes; a truncated or corrupt stream becomes an IdxFormatError naming `file`. */
export function gunzipIdxBytes(bytes: Uint8Array, file: string): Buffer {
  try {
    return zlib.gunzipSync(bytes, { maxOutputLength: MAX_INFLATED_BYTES });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const reason = e.code === 'Z_BUF_ERROR' || /unexpected end/i.test(e.message)
      ? 'truncated gzip data (unexpected end of file)'
      : `corrupt gzip data (${e.message})`;
    throw new IdxFormatError(file, reason);
  }
}

function hex32(n: number): string {
  return '0x' + n.toString(16).padStart(8, '0');
}

/**
 * Parses IDX bytes (gzip is detected and inflated). `file` is only used in error messages.
 * The returned `data` is a view into the inflated buffer, not a copy, so a 47 MB image file is
 * held once.
 */
export function parseIdx(bytes: Uint8Array, file: string, expect: IdxExpectation = {}): IdxArray {
  const buf = isGzipBytes(bytes) ? gunzipIdxBytes(bytes, file) : bytes;
  if (buf.length < IDX_MAGIC_BYTES) {
    throw new IdxFormatError(file, `too short for an IDX header (${buf.length} bytes)`);
  }
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const magic = view.getUint32(0, false);
  if (buf[0] !== 0 || buf[1] !== 0) {
    throw new IdxFormatError(file, `not an IDX file (wrong magic number ${hex32(magic)})`);
  }
  const type = buf[2];
  const ndims = buf[3];
  if (type !== IDX_TYPE_UBYTE) {
    throw new IdxFormatError(file, `unsupported IDX element type 0x${type.toString(16).padStart(2, '0')} (magic ${hex32(magic)}); only unsigned bytes (0x08) are supported`);
  }
  if (ndims < 1 || ndims > IDX_MAX_DIMS) {
    throw new IdxFormatError(file, `wrong magic number ${hex32(magic)}: ${ndims} dimensions`);
  }
  if (expect.kind) {
    const wanted = expect.kind === 'images' ? IDX_IMAGES_MAGIC : IDX_LABELS_MAGIC;
    if (magic !== wanted) {
      throw new IdxFormatError(file, `wrong magic number ${hex32(magic)} (expected ${hex32(wanted)}, an IDX ${expect.kind} file)`);
    }
  }
  const headerBytes = IDX_MAGIC_BYTES + ndims * IDX_DIM_BYTES;
  if (buf.length < headerBytes) {
    throw new IdxFormatError(file, `truncated header: ${ndims} dimensions need ${headerBytes} bytes, file has ${buf.length}`);
  }
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(view.getUint32(IDX_MAGIC_BYTES + i * IDX_DIM_BYTES, false));
  const itemBytes = dims.reduce((a, b) => a * b, 1);
  const expectedLength = headerBytes + itemBytes;
  const shape = dims.join('x');
  if (buf.length < expectedLength) {
    throw new IdxFormatError(file, `wrong size: header says ${shape} (${expectedLength} bytes) but the data is ${buf.length} bytes (truncated)`);
  }
  if (buf.length > expectedLength) {
    throw new IdxFormatError(file, `wrong size: header says ${shape} (${expectedLength} bytes) but the data is ${buf.length} bytes (${buf.length - expectedLength} trailing bytes)`);
  }
  if (expect.count !== undefined && dims[0] !== expect.count) {
    throw new IdxFormatError(file, `wrong count: holds ${dims[0]} items, expected ${expect.count}`);
  }
  if (expect.rows !== undefined && dims[1] !== expect.rows) {
    throw new IdxFormatError(file, `wrong image size ${dims.slice(1).join('x')}, expected ${expect.rows}x${expect.cols ?? '?'}`);
  }
  if (expect.cols !== undefined && dims[2] !== expect.cols) {
    throw new IdxFormatError(file, `wrong image size ${dims.slice(1).join('x')}, expected ${expect.rows ?? '?'}x${expect.cols}`);
  }
  const data = buf.subarray(headerBytes, expectedLength);
  if (expect.classes !== undefined) {
    for (let i = 0; i < data.length; i++) {
      if (data[i] >= expect.classes) {
        throw new IdxFormatError(file, `label ${data[i]} at item ${i} is outside 0..${expect.classes - 1}`);
      }
    }
  }
  return { dims, data };
}

/** Reads and parses an IDX file (raw or gzip); errors name the file. */
export function readIdx(file: string, expect: IdxExpectation = {}): IdxArray {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    throw new IdxFormatError(file, `cannot read (${(err as Error).message})`);
  }
  return parseIdx(bytes, file, expect);
}

/** Encodes an unsigned-byte IDX array (optionally gzipped). */
export function encodeIdx(data: Uint8Array, dims: number[], options: { gzip?: boolean } = {}): Buffer {
  if (dims.length < 1 || dims.length > IDX_MAX_DIMS) throw new RangeError(`IDX needs 1..${IDX_MAX_DIMS} dimensions, got ${dims.length}`);
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0 || d > 0xffffffff) throw new RangeError(`IDX dimension sizes must be uint32 integers, got ${d}`);
  }
  const itemBytes = dims.reduce((a, b) => a * b, 1);
  if (data.length !== itemBytes) throw new RangeError(`IDX data has ${data.length} bytes but dims ${dims.join('x')} need ${itemBytes}`);
  const headerBytes = IDX_MAGIC_BYTES + dims.length * IDX_DIM_BYTES;
  const out = Buffer.alloc(headerBytes + itemBytes);
  out[2] = IDX_TYPE_UBYTE;
  out[3] = dims.length;
  dims.forEach((d, i) => out.writeUInt32BE(d, IDX_MAGIC_BYTES + i * IDX_DIM_BYTES));
  out.set(data, headerBytes);
  return options.gzip ? zlib.gzipSync(out) : out;
}

/** Writes `bytes` to `file` atomically: a temp file in the same directory, then a rename. */
export function writeFileAtomic(file: string, bytes: Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    fs.writeFileSync(temp, bytes);
    fs.renameSync(temp, file);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw err;
  }
}

/**
 * Writes an unsigned-byte IDX file atomically; gzip when `options.gzip` is set or, by default,
 * when the file name ends in `.gz`.
 */
export function writeIdx(file: string, data: Uint8Array, dims: number[], options: { gzip?: boolean } = {}): void {
  const gzip = options.gzip ?? file.endsWith('.gz');
  writeFileAtomic(file, encodeIdx(data, dims, { gzip }));
}
