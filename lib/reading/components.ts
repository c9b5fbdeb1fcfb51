/**
 * The ink of a picture of several digits as separate pieces: 8-connected regions with their
 * boxes and pixels. Pure and dependency-free, so the browser pad can run it.
 */
import { labelInkRegions } from '../imaging/components';

/** A connected piece of ink (or a union or part of pieces), in working-image pixels. */
export interface InkPiece {
  /** Bounding box: left, top, width, height. */
  x: number;
  y: number;
  width: number;
  height: number;
  /** Total ink strength. */
  mass: number;
  /** Indices `y * imageWidth + x` of its pixels. */
  pixels: number[];
}

/** Pieces lighter than this fraction of the heaviest are paper noise. */
export const SPECK_MASS_RATIO = 0.03;

/** The connected ink pieces of `strength`, specks dropped, in no particular order. */
export function inkPieces(strength: Float32Array, width: number, height: number): InkPiece[] {
  const { labels, masses } = labelInkRegions(strength, width, height);
  const pixels: number[][] = masses.map(() => []);
  for (let p = 0; p < labels.length; p++) if (labels[p] !== 0) pixels[labels[p]].push(p);
  let heaviest = 0;
  for (const m of masses) heaviest = Math.max(heaviest, m);
  const pieces: InkPiece[] = [];
  for (let label = 1; label < masses.length; label++) {
    if (masses[label] < SPECK_MASS_RATIO * heaviest) continue;
    pieces.push(pieceOf(pixels[label], strength, width));
  }
  return pieces;
}

/** Faint ink at least this far from the paper towards the threshold still joins strokes (see `bridgedPieces`). */
export const BRIDGE_LEVEL = 0.5;

/**
 * The ink pieces of `strength`, grouped as if faint ink that the threshold left out, but that is
 * at least `BRIDGE_LEVEL` of the way from the paper to the threshold, were ink: a 3 whose middle
 * stroke fades stays one piece instead of coming apart into two, one above the other. Each piece
 * is made of its thresholded pixels only, so what is cut out and prepared is what `predict` would
 * see, and faint ink with no stroke in it is no piece. The anti-aliased fringe of a stroke is
 * fainter than the bridge level, so digits a few pixels apart stay apart. `ink` is the picture on
 * the ink-bright scale; `paper` and `threshold` are on that scale too.
 */
export function bridgedPieces(
  strength: Float32Array,
  ink: ArrayLike<number>,
  levels: { paper: number; threshold: number },
  width: number,
  height: number,
): InkPiece[] {
  const level = levels.paper + BRIDGE_LEVEL * (levels.threshold - levels.paper);
  const joined = strength.slice();
  // A trace of strength: enough to connect, too little to weigh.
  for (let i = 0; i < joined.length; i++) if (joined[i] === 0 && ink[i] > level && ink[i] <= levels.threshold) joined[i] = 1e-6;
  return inkPieces(joined, width, height)
    .map((p) => p.pixels.filter((q) => strength[q] > 0))
    .filter((pixels) => pixels.length > 0)
    .map((pixels) => pieceOf(pixels, strength, width));
}

/** The piece made of `pixels` (box and mass computed from them). */
export function pieceOf(pixels: number[], strength: Float32Array, width: number): InkPiece {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -1;
  let y1 = -1;
  let mass = 0;
  for (const p of pixels) {
    const x = p % width;
    const y = (p - x) / width;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
    mass += strength[p];
  }
  return { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1, mass, pixels };
}

/** Two or more pieces as one. */
export function unitePieces(pieces: InkPiece[], strength: Float32Array, width: number): InkPiece {
  return pieceOf(pieces.flatMap((p) => p.pixels), strength, width);
}

/** Horizontal gap between two pieces' boxes: negative when they overlap (by that many pixels). */
export function horizontalGap(a: InkPiece, b: InkPiece): number {
  return Math.max(a.x, b.x) - Math.min(a.x + a.width, b.x + b.width);
}

/** Vertical overlap of two pieces' boxes in pixels (0 when apart). */
export function verticalOverlap(a: InkPiece, b: InkPiece): number {
  return Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
}

