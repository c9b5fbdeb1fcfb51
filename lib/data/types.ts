/** The shapes the data layer hands to the rest of digit-lab. */

/** Images and their labels: `count` images of `rows` x `cols` uint8 pixels, row-major. */
export interface ImageSet {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  rows: number;
  cols: number;
}

/** Where loaded data came from. */
export type MnistSourceKind = 'directory' | 'cache' | 'download' | 'embedded';

export interface MnistSource {
  kind: MnistSourceKind;
  /** A directory, the cache directory, the mirror(s) used, or the npm package. */
  location: string;
  /** True when this is not the full data set (the embedded 10,000 digits). */
  subset: boolean;
  /** Anything a reader of a report should know (fallbacks, missing test split, unverified files). */
  note?: string;
}

/** A loaded MNIST-format data set. */
export interface MnistData {
  /** Catalogue id, e.g. `mnist`. */
  dataset: string;
  source: MnistSource;
  train: ImageSet;
  /** Null when the source has no test split (the embedded digits). */
  test: ImageSet | null;
  /** The files read, with the SHA-256 of their bytes. */
  files: { name: string; sha256: string }[];
  /** One name per label value (digits, or Fashion-MNIST's article names). */
  classNames: string[];
}
