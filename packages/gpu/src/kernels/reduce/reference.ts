// CPU references for full reductions in a fixed order: sum, mean, max, and sum of squares (for grad norms).

export function sumRef(out: Float32Array, x: Float32Array, n: number): void {
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i];
  out[0] = s;
}

export function meanRef(out: Float32Array, x: Float32Array, n: number): void {
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i];
  out[0] = s / n;
}

export function maxRef(out: Float32Array, x: Float32Array, n: number): void {
  let m = -Infinity;
  for (let i = 0; i < n; i++) m = Math.max(m, x[i]);
  out[0] = m;
}

export function sumSquaresRef(out: Float32Array, x: Float32Array, n: number): void {
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i] * x[i];
  out[0] = s;
}
