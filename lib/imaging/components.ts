/**
 * Connected ink regions, for dropping what is not the digit: specks of paper noise, and dark
 * frames along the picture's edge (the desk around the paper, a scanner shadow). Pure,
 * dependency-free.
 */

/** 8-connected regions of non-zero ink: a label per pixel (0 = none) and per-region totals. */
export interface InkRegions {
  labels: Int32Array;
  /** Sum of ink per region; index 0 is unused. */
  masses: number[];
  /** Number of the region's pixels on the image's outermost ring; index 0 is unused. */
  borderPixels: number[];
}

/** Labels the 8-connected regions of non-zero `ink`. */
export function labelInkRegions(ink: Float32Array, width: number, height: number): InkRegions {
  const labels = new Int32Array(width * height);
  const masses: number[] = [0];
  const borderPixels: number[] = [0];
  const stack: number[] = [];
  for (let start = 0; start < ink.length; start++) {
    if (ink[start] <= 0 || labels[start] !== 0) continue;
    const label = masses.length;
    let mass = 0;
    let border = 0;
    labels[start] = label;
    stack.push(start);
    while (stack.length > 0) {
      const p = stack.pop() as number;
      mass += ink[p];
      const x = p % width;
      const y = (p - x) / width;
      if (x === 0 || y === 0 || x === width - 1 || y === height - 1) border++;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const q = ny * width + nx;
          if (ink[q] > 0 && labels[q] === 0) {
            labels[q] = label;
            stack.push(q);
          }
        }
      }
    }
    masses.push(mass);
    borderPixels.push(border);
  }
  return { labels, masses, borderPixels };
}

/** Zeroes the ink of every region for which `drop(label)` is true; returns how many it zeroed. */
function zeroRegions(ink: Float32Array, regions: InkRegions, drop: boolean[]): number {
  let dropped = 0;
  for (let p = 0; p < ink.length; p++) {
    const label = regions.labels[p];
    if (label !== 0 && drop[label]) {
      ink[p] = 0;
      dropped++;
    }
  }
  return dropped;
}

/**
 * Zeroes every region whose total ink is below `minRatio` times that of the heaviest region.
 * Works in place and returns `ink`.
 */
export function dropInkSpecks(ink: Float32Array, width: number, height: number, minRatio: number): Float32Array {
  const regions = labelInkRegions(ink, width, height);
  let heaviest = 0;
  for (const m of regions.masses) heaviest = Math.max(heaviest, m);
  zeroRegions(ink, regions, regions.masses.map((m, label) => label > 0 && m < minRatio * heaviest));
  return ink;
}

/**
 * Zeroes regions that run along the picture's edge for more than `minBorderFraction` of its
 * perimeter: frames and shadows, not strokes (a digit cropped tightly touches the edge only
 * where its strokes cross it). Keeps everything when less than `minKeptFraction` of the ink
 * would remain (then the "frame" is more likely the digit itself, and the rest specks). In place.
 */
export function dropBorderFrames(
  ink: Float32Array,
  width: number,
  height: number,
  minBorderFraction: number,
  minKeptFraction = 0.05,
): Float32Array {
  const regions = labelInkRegions(ink, width, height);
  const perimeter = width > 1 && height > 1 ? 2 * (width + height) - 4 : width * height;
  const drop = regions.borderPixels.map((b, label) => label > 0 && b > minBorderFraction * perimeter);
  let total = 0;
  let kept = 0;
  regions.masses.forEach((m, label) => {
    total += m;
    if (!drop[label]) kept += m;
  });
  if (kept > 0 && kept >= minKeptFraction * total) zeroRegions(ink, regions, drop);
  return ink;
}
