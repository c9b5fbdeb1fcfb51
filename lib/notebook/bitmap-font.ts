/**
 * A tiny 3x5 pixel font for captions burnt into PNG grids (digits and a few symbols: enough for
 * labels like "7", "3>8" or "97.5%"). Text with other characters belongs in the HTML grids.
 */

const GLYPHS: Record<string, string[]> = {
  '0': ['###', '#.#', '#.#', '#.#', '###'],
  '1': ['.#.', '##.', '.#.', '.#.', '###'],
  '2': ['###', '..#', '###', '#..', '###'],
  '3': ['###', '..#', '.##', '..#', '###'],
  '4': ['#.#', '#.#', '###', '..#', '..#'],
  '5': ['###', '#..', '###', '..#', '###'],
  '6': ['###', '#..', '###', '#.#', '###'],
  '7': ['###', '..#', '.#.', '.#.', '.#.'],
  '8': ['###', '#.#', '###', '#.#', '###'],
  '9': ['###', '#.#', '###', '..#', '###'],
  ' ': ['...', '...', '...', '...', '...'],
  '.': ['...', '...', '...', '...', '.#.'],
  ':': ['...', '.#.', '...', '.#.', '...'],
  '-': ['...', '...', '###', '...', '...'],
  '/': ['..#', '..#', '.#.', '#..', '#..'],
  '>': ['#..', '.#.', '..#', '.#.', '#..'],
  '%': ['#.#', '..#', '.#.', '#..', '#.#'],
  '?': ['###', '..#', '.##', '...', '.#.'],
};

export const BITMAP_FONT_WIDTH = 3;
export const BITMAP_FONT_HEIGHT = 5;

/** Characters the PNG caption font can draw. */
export const BITMAP_FONT_CHARS = Object.keys(GLYPHS).join('');

/** Width in font pixels of a text (one blank column between characters). */
export function bitmapTextWidth(text: string): number {
  return text.length === 0 ? 0 : text.length * (BITMAP_FONT_WIDTH + 1) - 1;
}

/**
 * Calls `plot(x, y)` for every lit font pixel of `text` (x, y in font pixels from the top-left).
 * Throws for characters the font lacks, naming them.
 */
export function drawBitmapText(text: string, plot: (x: number, y: number) => void): void {
  const missing = [...new Set([...text].filter((c) => !GLYPHS[c]))];
  if (missing.length > 0) {
    throw new Error(`viz: PNG captions can only use "${BITMAP_FONT_CHARS}"; "${text}" has ${missing.map((c) => JSON.stringify(c)).join(', ')} (use imageGridHtml for free text)`);
  }
  [...text].forEach((c, k) => {
    GLYPHS[c].forEach((row, y) => {
      for (let x = 0; x < BITMAP_FONT_WIDTH; x++) if (row[x] === '#') plot(k * (BITMAP_FONT_WIDTH + 1) + x, y);
    });
  });
}
