/** Formatting for people: durations (the runner's cells and footer, the live training display). */

/** How formatDuration spells a duration. */
export interface DurationStyle {
  /** "2 min 05 s" instead of "2 min 5 s", so a clock that ticks in place keeps its width. */
  padSeconds?: boolean;
  /** Under a second as "850 ms" (default), or as "0.9 s" when false. */
  milliseconds?: boolean;
}

/** A duration for people: 850 ms, 4.2 s, 3 min 5 s. Negative durations count as 0. */
export function formatDuration(seconds: number, style: DurationStyle = {}): string {
  const s = Math.max(0, seconds);
  if (s < 1 && style.milliseconds !== false) return `${Math.round(s * 1000)} ms`;
  if (s < 60) return `${s.toFixed(1)} s`;
  // Round the whole duration first, so 119.6 s reads "2 min 0 s", never "1 min 60 s".
  const whole = Math.round(s);
  const rest = whole % 60;
  return `${Math.floor(whole / 60)} min ${style.padSeconds ? String(rest).padStart(2, '0') : rest} s`;
}

/** True for keys whose number is a duration in seconds (`duration`, `load_seconds`, `trainSeconds`). */
export function isDurationKey(key: string): boolean {
  return /(^|[_\s-])(duration|seconds|secs)$|(Duration|Seconds)$|^duration$/i.test(key);
}
