/** Small formatting helpers shared by the cell and footer renderers. */

/** A duration for people: 850 ms, 4.2 s, 3 min 5 s. */
export function formatDuration(seconds: number): string {
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds - minutes * 60)} s`;
}

/** True for keys whose number is a duration in seconds (`duration`, `load_seconds`, `trainSeconds`). */
export function isDurationKey(key: string): boolean {
  return /(^|[_\s-])(duration|seconds|secs)$|(Duration|Seconds)$|^duration$/i.test(key);
}
