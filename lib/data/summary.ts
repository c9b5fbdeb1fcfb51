/** The counts people look at first; kept free of tfjs so `digit-lab data` starts fast. */
import type { ImageSet, MnistData } from './types';

/** How many labels of each class there are; a label outside 0..classes-1 is an error. */
export function labelHistogram(labels: Uint8Array, classes = 10): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (label >= classes) throw new RangeError(`labelHistogram: label ${label} at ${i} is outside 0..${classes - 1}`);
    counts[label]++;
  }
  return counts;
}

/** The `digit-lab data --json` object: counts, per-class histograms, source and checksums. */
export interface MnistDataSummary {
  dataset: string;
  source: MnistData['source'];
  train: { count: number; histogram: number[] };
  test: { count: number; histogram: number[] } | null;
  files: { name: string; sha256: string }[];
}

/** Summarises loaded data (as `digit-lab data --json` prints it). */
export function summarizeMnistData(data: MnistData): MnistDataSummary {
  const classes = data.classNames.length;
  const split = (set: ImageSet) => ({ count: set.count, histogram: labelHistogram(set.labels, classes) });
  return {
    dataset: data.dataset,
    source: data.source,
    train: split(data.train),
    test: data.test ? split(data.test) : null,
    files: data.files,
  };
}
