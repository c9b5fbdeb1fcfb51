/** Seeded randomness shared by shuffling, augmentation and the embedded data order. */

/**
 * A small fast seeded PRNG (mulberry32) returning floats in [0, 1). The same seed gives the same
 * stream on every platform, which is what makes seeded runs repeat; its quality is ample for
 * shuffles and augmentation parameters.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
