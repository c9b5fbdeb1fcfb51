/** Synthetic labelled 28x28 digits for fast tests: class c is a bright square at a place fixed by c, plus noise. */
import type { ImageSet } from '../../lib/data/types';

/** `count` images; a given seed always gives the same set. */
export function syntheticDigits(count: number, seed = 1): ImageSet {
  let s = seed >>> 0;
  const rand = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const images = new Uint8Array(count * 784);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const c = i % 10;
    labels[i] = c;
    const top = 2 + (c % 5) * 5 + Math.floor(rand() * 2);
    const left = 4 + Math.floor(c / 5) * 12 + Math.floor(rand() * 2);
    for (let p = 0; p < 784; p++) images[i * 784 + p] = Math.floor(rand() * 40);
    for (let r = top; r < top + 6; r++) for (let col = left; col < left + 6; col++) images[i * 784 + r * 28 + col] = 200 + Math.floor(rand() * 55);
  }
  return { images, labels, count, rows: 28, cols: 28 };
}
