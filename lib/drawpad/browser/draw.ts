/**
 * Pointer input on the pad's canvas: mouse, pen and touch through Pointer Events, drawn as
 * round-capped segments of a fixed-width pen (what the Node rasteriser reproduces).
 */
import { PAD_INK_GRAY, PAD_PAPER_GRAY, PAD_PEN_WIDTH } from './constants';

const gray = (level: number) => `rgb(${level},${level},${level})`;

/** Fills the canvas with paper. */
export function clearPadCanvas(canvas: HTMLCanvasElement): void {
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  ctx.fillStyle = gray(PAD_PAPER_GRAY);
  ctx.fillRect(0, 0, canvas.width, canvas.height);
}

/** What changed the drawing: a stroke began, went on, or ended. */
export type PadInkPhase = 'down' | 'move' | 'up';

/**
 * Lets the user draw on `canvas`; `onInk` runs after every change (it should throttle itself).
 * Returns a function that removes the listeners.
 */
export function attachPadDrawing(canvas: HTMLCanvasElement, onInk: (phase: PadInkPhase) => void): () => void {
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  let activePointer: number | null = null;
  let last: [number, number] | null = null;

  // Client coordinates -> canvas pixels, whatever size CSS shows the canvas at.
  const toCanvas = (e: PointerEvent): [number, number] => {
    const rect = canvas.getBoundingClientRect();
    return [((e.clientX - rect.left) * canvas.width) / rect.width, ((e.clientY - rect.top) * canvas.height) / rect.height];
  };
  const segment = (from: [number, number], to: [number, number]) => {
    ctx.strokeStyle = gray(PAD_INK_GRAY);
    ctx.lineWidth = PAD_PEN_WIDTH;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(from[0], from[1]);
    ctx.lineTo(to[0], to[1]);
    ctx.stroke();
  };

  const down = (e: PointerEvent) => {
    if (activePointer !== null || (e.pointerType === 'mouse' && e.button !== 0)) return;
    e.preventDefault();
    activePointer = e.pointerId;
    try {
      // Keeps the stroke going when the pointer leaves the canvas mid-stroke.
      canvas.setPointerCapture(e.pointerId);
    } catch {
      // Synthetic events (tests, tools) have no capturable pointer; drawing works without it.
    }
    last = toCanvas(e);
    segment(last, last);
    onInk('down');
  };
  const move = (e: PointerEvent) => {
    if (e.pointerId !== activePointer || !last) return;
    e.preventDefault();
    // Coalesced events keep fast strokes smooth when the browser batches moves per frame.
    const events = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [];
    for (const ev of events.length ? events : [e]) {
      const p = toCanvas(ev);
      segment(last, p);
      last = p;
    }
    onInk('move');
  };
  const up = (e: PointerEvent) => {
    if (e.pointerId !== activePointer) return;
    activePointer = null;
    last = null;
    onInk('up');
  };

  canvas.addEventListener('pointerdown', down);
  canvas.addEventListener('pointermove', move);
  canvas.addEventListener('pointerup', up);
  canvas.addEventListener('pointercancel', up);
  return () => {
    canvas.removeEventListener('pointerdown', down);
    canvas.removeEventListener('pointermove', move);
    canvas.removeEventListener('pointerup', up);
    canvas.removeEventListener('pointercancel', up);
  };
}
