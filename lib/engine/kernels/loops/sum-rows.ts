/**
 * The row-block sums behind our leading-axes `Sum` and `Mean` (sum.ts), as a range task: plain
 * typed-array code on the wasm heap, loaded by the JS pool's workers too.
 */

/** Arguments of sumRowsTask: byte offsets on the heap, and the shape of the sum. */
export interface SumRowsArgs {
  x: number;
  partials: number;
  rows: number;
  cols: number;
  blocks: number;
}

/** Range task: for row blocks [b0, b1) of x, partials[block][c] = sum of x[r][c] over the block's rows. */
export function sumRowsTask(heap: ArrayBufferLike, a: SumRowsArgs, b0: number, b1: number): void {
  const cols = a.cols;
  if (cols === 0) return;
  const acc = new Float64Array(cols);
  for (let blk = b0; blk < b1; blk++) {
    const r0 = Math.round((a.rows * blk) / a.blocks);
    const r1 = Math.round((a.rows * (blk + 1)) / a.blocks);
    const x = new Float32Array(heap, a.x + 4 * r0 * cols, (r1 - r0) * cols);
    acc.fill(0);
    // Four rows per pass: a quarter of the accumulator traffic (the sums are doubles either way).
    let o = 0;
    for (; o + 4 * cols <= x.length; o += 4 * cols) {
      for (let c = 0; c < cols; c++) acc[c] += (x[o + c] + x[o + cols + c]) + (x[o + 2 * cols + c] + x[o + 3 * cols + c]);
    }
    for (; o < x.length; o += cols) {
      for (let c = 0; c < cols; c++) acc[c] += x[o + c];
    }
    new Float32Array(heap, a.partials + 4 * blk * cols, cols).set(acc);
  }
}
