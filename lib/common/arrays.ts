/** Small array helpers used on both sides (Node and the page's bundled runtime). */

/** Index of the largest value (the first one on ties), or -1 for an empty array. */
export function argmax(values: ArrayLike<number>): number {
  let best = -1;
  for (let i = 0; i < values.length; i++) if (best < 0 || values[i] > values[best]) best = i;
  return best;
}
