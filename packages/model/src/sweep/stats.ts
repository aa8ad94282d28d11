// Small order statistics shared by the stoppers and the scaling fits: quantiles (numpy's "linear" method), the
// median, and a compact number format for decision reasons.

/** The q-quantile (0 ≤ q ≤ 1) of `values` by linear interpolation between order statistics, as numpy.percentile. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((x, y) => x - y);
  const pos = (s.length - 1) * q;
  const i = Math.floor(pos);
  const f = pos - i;
  const lo = s[i]!;
  const hi = s[Math.min(i + 1, s.length - 1)]!;
  // a*(1-f) + b*f keeps ±Infinity (a + (b-a)*f would give NaN for a finite a and an infinite b at f = 0).
  return f === 0 || lo === hi ? lo : lo * (1 - f) + hi * f;
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Four significant digits without trailing zeros: 3.9100 → "3.91", 1800 → "1800". */
export function fmt(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(4))) : String(v);
}
