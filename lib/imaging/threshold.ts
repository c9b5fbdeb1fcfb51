/** Histogram statistics for telling ink from paper. Pure, dependency-free. */

/** 256-bin histogram of 8-bit values. */
export function histogram256(values: Uint8Array): Uint32Array {
  const hist = new Uint32Array(256);
  for (let i = 0; i < values.length; i++) hist[values[i]]++;
  return hist;
}

/**
 * Otsu's threshold: the level t that maximises the between-class variance of {v <= t} and
 * {v > t}. Returns the middle of the range of best levels (a bimodal histogram with an empty gap
 * has many equally good t; the middle is the natural cut).
 */
export function otsuThreshold(hist: Uint32Array): number {
  let total = 0;
  let sumAll = 0;
  for (let v = 0; v < 256; v++) {
    total += hist[v];
    sumAll += v * hist[v];
  }
  let weightLow = 0;
  let sumLow = 0;
  let best = -1;
  let firstBest = 0;
  let lastBest = 0;
  for (let t = 0; t < 255; t++) {
    weightLow += hist[t];
    sumLow += t * hist[t];
    const weightHigh = total - weightLow;
    if (weightLow === 0 || weightHigh === 0) continue;
    const diff = sumLow / weightLow - (sumAll - sumLow) / weightHigh;
    const between = weightLow * weightHigh * diff * diff;
    // Relative tolerance: float noise must not split a plateau of equal scores.
    if (between > best * (1 + 1e-12)) {
      best = between;
      firstBest = t;
      lastBest = t;
    } else if (between >= best * (1 - 1e-12)) {
      lastBest = t;
    }
  }
  return Math.floor((firstBest + lastBest) / 2);
}

/** The q-quantile (0..1) of the values counted in `hist`, as a level 0..255. */
export function histogramQuantile(hist: Uint32Array, q: number): number {
  let total = 0;
  for (let v = 0; v < 256; v++) total += hist[v];
  const target = q * total;
  let seen = 0;
  for (let v = 0; v < 256; v++) {
    seen += hist[v];
    if (seen >= target && seen > 0) return v;
  }
  return 255;
}

/** Pixel fractions and mean levels of the two classes {v <= t} and {v > t}. */
export interface ThresholdClasses {
  lowFraction: number;
  highFraction: number;
  lowMean: number;
  highMean: number;
}

/** Splits the histogram at `t` and describes both classes (a missing class has mean NaN). */
export function thresholdClasses(hist: Uint32Array, t: number): ThresholdClasses {
  let nLow = 0;
  let nHigh = 0;
  let sLow = 0;
  let sHigh = 0;
  for (let v = 0; v < 256; v++) {
    if (v <= t) {
      nLow += hist[v];
      sLow += v * hist[v];
    } else {
      nHigh += hist[v];
      sHigh += v * hist[v];
    }
  }
  const total = nLow + nHigh;
  return {
    lowFraction: total ? nLow / total : 0,
    highFraction: total ? nHigh / total : 0,
    lowMean: nLow ? sLow / nLow : NaN,
    highMean: nHigh ? sHigh / nHigh : NaN,
  };
}
