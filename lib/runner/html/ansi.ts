/** Terminal text (streams, tracebacks, text/plain) to HTML: carriage returns, then ANSI colours. */
import Anser from 'anser';
import { escapeHtml } from '../../common/html';

/**
 * Applies what a terminal does with `\r` and `\b`, so progress bars that redraw one line show
 * their final state instead of every intermediate frame (as Jupyter front ends do).
 */
export function applyTerminalControls(text: string): string {
  const normalised = text.replace(/\r+\n/g, '\n');
  return normalised
    .split('\n')
    .map((line) => {
      let current = '';
      for (const segment of line.split('\r')) {
        // Text after a carriage return overwrites the start of the line, the rest stays.
        current = segment + current.slice(segment.length);
      }
      // A backspace deletes the character before it (regex \b would mean a word boundary).
      while (/[^\x08]\x08/.test(current)) current = current.replace(/[^\x08]\x08/, '');
      return current.replace(/\x08/g, '');
    })
    .join('\n');
}

/** xterm's 256-colour palette entry (16..255) as an `r, g, b` string; 0..15 come back as classes. */
function paletteRgb(index: number): string | null {
  if (index < 16 || index > 255) return null;
  if (index >= 232) {
    const level = 8 + (index - 232) * 10;
    return `${level}, ${level}, ${level}`;
  }
  const cube = index - 16;
  const steps = [0, 95, 135, 175, 215, 255];
  return [Math.floor(cube / 36), Math.floor(cube / 6) % 6, cube % 6].map((i) => steps[i]).join(', ');
}

/** The class or inline style for one colour as anser reports it (`ansi-red`, palette, truecolor). */
function colourStyle(
  name: string | null,
  truecolor: string | null,
  layer: 'fg' | 'bg',
): { cls?: string; css?: string } {
  if (!name) return {};
  const property = layer === 'fg' ? 'color' : 'background-color';
  if (name === 'ansi-truecolor' && truecolor) return { css: `${property}: rgb(${truecolor})` };
  const palette = /^ansi-palette-(\d+)$/.exec(name);
  if (palette) {
    const rgb = paletteRgb(Number(palette[1]));
    return rgb ? { css: `${property}: rgb(${rgb})` } : {};
  }
  return { cls: `${name}-${layer}` };
}

/**
 * Converts terminal text to HTML: the text is escaped, SGR colours and decorations become spans
 * with `ansi-*` classes (standard colours, styled by the page CSS) or inline rgb (256-colour and
 * truecolor), and other escape sequences (cursor movement, erase line) are dropped.
 */
export function ansiToHtml(text: string): string {
  const entries = Anser.ansiToJson(applyTerminalControls(text), { use_classes: true, remove_empty: true });
  return entries
    .map((entry) => {
      const content = escapeHtml(entry.content);
      const classes: string[] = [];
      const styles: string[] = [];
      for (const [name, truecolor, layer] of [
        [entry.fg, entry.fg_truecolor, 'fg'],
        [entry.bg, entry.bg_truecolor, 'bg'],
      ] as const) {
        const { cls, css } = colourStyle(name, truecolor, layer);
        if (cls) classes.push(cls);
        if (css) styles.push(css);
      }
      for (const decoration of entry.decorations ?? []) classes.push(`ansi-${decoration}`);
      if (classes.length === 0 && styles.length === 0) return content;
      const classAttr = classes.length ? ` class="${classes.join(' ')}"` : '';
      const styleAttr = styles.length ? ` style="${styles.join('; ')}"` : '';
      return `<span${classAttr}${styleAttr}>${content}</span>`;
    })
    .join('');
}
