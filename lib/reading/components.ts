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

/** The median of a non-empty list. */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
