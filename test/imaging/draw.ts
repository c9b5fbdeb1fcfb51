/**
 * Draws handwritten-looking digits for tests and for the sample images: thick anti-aliased
 * polylines (with a seeded wobble and slant) on a paper background that can be uneven and noisy.
 */
import { seededRandom } from '../../lib/common/random';

/** A point in the digit's frame: x and y in 0..1, y down. */
export type FramePoint = [number, number];

function arc(cx: number, cy: number, rx: number, ry: number, fromDeg: number, toDeg: number, steps = 24): FramePoint[] {
  const pts: FramePoint[] = [];
  for (let i = 0; i <= steps; i++) {
    const a = ((fromDeg + ((toDeg - fromDeg) * i) / steps) * Math.PI) / 180;
    pts.push([cx + rx * Math.cos(a), cy + ry * Math.sin(a)]);
  }
  return pts;
}

/** Stroke outlines of some digits, each a list of polylines in frame coordinates. */
export const DIGIT_STROKES: Record<string, FramePoint[][]> = {
  '0': [arc(0.5, 0.5, 0.38, 0.46, -100, 275, 40)],
  '1': [[[0.35, 0.2], [0.6, 0.02], [0.6, 0.98]]],
  '2': [[...arc(0.5, 0.3, 0.36, 0.27, 195, 385, 20), [0.08, 0.96], [0.95, 0.96]]],
  '3': [[...arc(0.48, 0.27, 0.34, 0.24, 205, 450, 24), ...arc(0.48, 0.72, 0.4, 0.26, 270, 520, 24)]],
  '4': [[[0.62, 0.02], [0.06, 0.66], [0.95, 0.66]], [[0.7, 0.3], [0.7, 0.98]]],
  '5': [[[0.85, 0.03], [0.22, 0.03], [0.16, 0.45], ...arc(0.5, 0.68, 0.4, 0.3, 220, 500, 24)]],
  '7': [[[0.05, 0.05], [0.95, 0.05], [0.62, 0.5], [0.4, 0.98]]],
};

/** Where and how to draw one digit. */
export interface DrawDigitOptions {
  width: number;
  height: number;
  digit: string;
  /** The digit's frame in pixels. */
  frame: { x: number; y: number; width: number; height: number };
  /** Pen width in pixels. */
  thickness: number;
  seed?: number;
  /** Horizontal slant: x += slant * (0.5 - y) in frame units. */
  slant?: number;
  /** Wobble amplitude in frame units (smooth, seeded). */
  wobble?: number;
  /** Paper colour and ink colour, RGB 0..255. */
  paper?: [number, number, number];
  ink?: [number, number, number];
  /** Paper unevenness: gradient amplitude and per-pixel noise amplitude, in gray levels. */
  gradient?: number;
  noise?: number;
}

export { seededRandom };

function distanceToSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
  const qx = ax + t * dx - px;
  const qy = ay + t * dy - py;
  return Math.sqrt(qx * qx + qy * qy);
}

/** Renders the digit and returns RGBA bytes (opaque). */
export function drawDigitRgba(o: DrawDigitOptions): Uint8Array {
  const rand = seededRandom(o.seed ?? 1);
  const paper = o.paper ?? [236, 234, 228];
  const ink = o.ink ?? [25, 30, 55];
  const slant = o.slant ?? 0;
  const wobble = o.wobble ?? 0;
  const phase = [rand() * 6.28, rand() * 6.28];
  const strokes = (DIGIT_STROKES[o.digit] ?? []).map((line) => {
    // Subdivide so the wobble bends the strokes smoothly.
    const pts: Array<[number, number]> = [];
    for (let i = 0; i < line.length; i++) {
      const [x0, y0] = line[i];
      const [x1, y1] = line[Math.min(i + 1, line.length - 1)];
      const steps = i + 1 < line.length ? 6 : 1;
      for (let s = 0; s < steps; s++) {
        const fx = x0 + ((x1 - x0) * s) / steps;
        const fy = y0 + ((y1 - y0) * s) / steps;
        const wx = fx + slant * (0.5 - fy) + wobble * Math.sin(7 * fy + phase[0]);
        const wy = fy + wobble * Math.sin(5 * fx + phase[1]);
        pts.push([o.frame.x + wx * o.frame.width, o.frame.y + wy * o.frame.height]);
      }
    }
    return pts;
  });
  if (strokes.length === 0) throw new Error(`no strokes for digit ${o.digit}`);
  const half = o.thickness / 2;
  // Nearest stroke distance per pixel, computed only near each segment.
  const dist = new Float32Array(o.width * o.height).fill(Infinity);
  for (const pts of strokes) {
    for (let i = 0; i + 1 < pts.length; i++) {
      const [ax, ay] = pts[i];
      const [bx, by] = pts[i + 1];
      const x0 = Math.max(0, Math.floor(Math.min(ax, bx) - half - 1));
      const x1 = Math.min(o.width - 1, Math.ceil(Math.max(ax, bx) + half + 1));
      const y0 = Math.max(0, Math.floor(Math.min(ay, by) - half - 1));
      const y1 = Math.min(o.height - 1, Math.ceil(Math.max(ay, by) + half + 1));
      for (let y = y0; y <= y1; y++) {
        for (let x = x0; x <= x1; x++) {
          const d = distanceToSegment(x + 0.5, y + 0.5, ax, ay, bx, by);
          if (d < dist[y * o.width + x]) dist[y * o.width + x] = d;
        }
      }
    }
  }
  const rgba = new Uint8Array(o.width * o.height * 4);
  const gradient = o.gradient ?? 0;
  const noise = o.noise ?? 0;
  for (let y = 0; y < o.height; y++) {
    for (let x = 0; x < o.width; x++) {
      const coverage = Math.max(0, Math.min(1, half - dist[y * o.width + x] + 0.5));
      const shade = gradient * ((x / o.width + y / o.height) / 2 - 0.5) + (noise ? noise * (rand() * 2 - 1) : 0);
      const k = (y * o.width + x) * 4;
      for (let c = 0; c < 3; c++) {
        const p = paper[c] + shade;
        rgba[k + c] = Math.max(0, Math.min(255, Math.round(p + (ink[c] - p) * coverage)));
      }
      rgba[k + 3] = 255;
    }
  }
  return rgba;
}
