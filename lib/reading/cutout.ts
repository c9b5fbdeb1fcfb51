/**
 * One candidate digit cut out of the picture: its own ink pixels, as they were, on plain paper
 * with a margin, so that `preprocessDigit` (the very preparation `digit-lab predict` applies to a
 * photo of one digit) sees a picture of that digit alone. Pure.
 */
import type { DigitImage } from '../imaging/gray';
import type { InkPiece } from './components';

/** Paper margin around the ink, as a fraction of the longer side (at least 2 px). */
const MARGIN = 0.2;

/** The picture of `piece` alone: its pixels from `image`, everything else `paper`. */
export function cutOut(piece: InkPiece, image: DigitImage, paper: number): DigitImage {
  const m = Math.max(2, Math.round(MARGIN * Math.max(piece.width, piece.height)));
  const width = piece.width + 2 * m;
  const height = piece.height + 2 * m;
  const gray = new Uint8Array(width * height).fill(paper);
  for (const p of piece.pixels) {
    const x = p % image.width;
    const y = (p - x) / image.width;
    gray[(y - piece.y + m) * width + (x - piece.x + m)] = image.gray[p];
  }
  return { width, height, gray };
}
