/**
 * The one way syncspec writes a length of time, in logs, run history and tables alike: `87ms`,
 * `2.3s`, `2m5s`, `1h2m5s`. Seconds are rounded once, so 119,600 ms reads `2m0s`, never `1m60s`.
 */
export function formatDuration(ms: number): string {
  const rounded = Math.max(0, Math.round(ms));
  if (rounded < 1000) return `${rounded}ms`;
  const tenths = Math.round(rounded / 100);
  if (tenths < 600) return `${(tenths / 10).toFixed(1)}s`;
  const seconds = Math.round(rounded / 1000);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h > 0 ? `${h}h${m}m${s}s` : `${m}m${s}s`;
}
