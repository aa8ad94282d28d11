// Small text formatters shared by the plain and Ink renderers: durations, rates, ETAs, sizes, sparklines, changes.

/** "850ms", "1.2s", "4m05s", "2h03m". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "?";
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.floor(s % 60)).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

/** A count with a k/M/G suffix past 10 000: 950, 12.3k, 4.5M. */
export function formatCount(n: number): string {
  const a = Math.abs(n);
  if (a < 10_000) return Number.isInteger(n) ? String(n) : a < 1 ? String(Number(n.toPrecision(2))) : n.toFixed(1);
  if (a < 1e6) return `${(n / 1e3).toFixed(1)}k`;
  if (a < 1e9) return `${(n / 1e6).toFixed(1)}M`;
  return `${(n / 1e9).toFixed(1)}G`;
}

/** Bytes in binary units: "512B", "1.5KiB", "3.2GiB". */
export function formatBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${v}B` : `${v.toFixed(1)}${units[i]}`;
}

/** A metric value with 4 significant digits: 3.142, 0.0001234, 12345. */
export function formatMetric(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) && Math.abs(v) >= 10_000) return formatCount(v); // token counts: 1.7M, 204.5k
  if (v !== 0 && (Math.abs(v) >= 1e6 || Math.abs(v) < 1e-4)) return v.toExponential(2);
  return String(Number(v.toPrecision(4)));
}

const BLOCKS = "▁▂▃▄▅▆▇█";

/** The last `width` values as a Unicode sparkline, scaled to their own min..max. */
export function sparkline(values: readonly number[], width: number): string {
  const vs = values.slice(-width).filter(Number.isFinite);
  if (vs.length === 0) return "";
  const lo = Math.min(...vs);
  const hi = Math.max(...vs);
  const span = hi - lo;
  return vs.map((v) => BLOCKS[span === 0 ? 3 : Math.round(((v - lo) / span) * (BLOCKS.length - 1))]).join("");
}

/** Cuts a string to `width` characters with a trailing ellipsis. */
export function truncate(s: string, width: number): string {
  if (width <= 0) return "";
  return s.length <= width ? s : `${s.slice(0, Math.max(0, width - 1))}…`;
}

/** "1 entry", "3 entries". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
