/**
 * The checks every data file passes before it is used or cached: IDX structure first (so a damaged
 * file gets the most specific message: truncated gzip, wrong magic, wrong count, wrong size), then
 * the catalogue's size and SHA-256.
 */
import { MnistDatasetSpec, MnistFileSpec } from './catalogue';
import { sha256Hex } from './cache';
import { IdxArray, IdxExpectation, IdxFormatError, isGzipBytes, parseIdx } from './idx';

/** A file that passed the checks. */
export interface CheckedMnistFile {
  idx: IdxArray;
  sha256: string;
  /** False when the bytes were raw IDX and the catalogue has no raw checksum to compare with. */
  checksumVerified: boolean;
}

/** What an IDX file of this catalogue entry must look like. */
export function mnistFileExpectation(spec: MnistFileSpec, dataset: MnistDatasetSpec): IdxExpectation {
  return spec.kind === 'images'
    ? { kind: 'images', count: spec.count, rows: dataset.rows, cols: dataset.cols }
    : { kind: 'labels', count: spec.count, classes: dataset.classNames.length };
}

/**
 * Checks bytes claimed to be `spec` (gzip as distributed, or the raw IDX inside it).
 * `label` names the file in errors (a path or `name from mirror`). With `checksum: false` the
 * SHA-256 is computed and returned but not compared (for deliberately modified local copies).
 * Throws IdxFormatError.
 */
export function checkMnistFile(
  bytes: Uint8Array,
  spec: MnistFileSpec,
  dataset: MnistDatasetSpec,
  label: string,
  options: { checksum?: boolean } = {},
): CheckedMnistFile {
  const idx = parseIdx(bytes, label, mnistFileExpectation(spec, dataset));
  const sha256 = sha256Hex(bytes);
  if (options.checksum === false) return { idx, sha256, checksumVerified: false };
  const gz = isGzipBytes(bytes);
  if (gz && bytes.length !== spec.bytes) {
    throw new IdxFormatError(label, `wrong size: ${bytes.length} bytes, expected ${spec.bytes}`);
  }
  const expected = gz ? spec.sha256 : spec.rawSha256;
  if (!expected) return { idx, sha256, checksumVerified: false };
  if (sha256 !== expected) {
    throw new IdxFormatError(label, `checksum mismatch: SHA-256 ${sha256}, expected ${expected}`);
  }
  return { idx, sha256, checksumVerified: true };
}
