// CPU references for elementwise ops. Broadcast: b has nb elements and repeats over a's n (n % nb == 0),
// i.e. b's shape equals a's trailing dims.

/** out = a + b (b broadcast over leading dims). out may alias a. */
export function addForwardRef(out: Float32Array, a: Float32Array, b: Float32Array, n: number, nb: number): void {
  for (let i = 0; i < n; i++) out[i] = a[i] + b[i % nb];
}

/** out = a * b (b broadcast over leading dims). */
export function mulForwardRef(out: Float32Array, a: Float32Array, b: Float32Array, n: number, nb: number): void {
  for (let i = 0; i < n; i++) out[i] = a[i] * b[i % nb];
}

/** out = a * s. */
export function scaleForwardRef(out: Float32Array, a: Float32Array, s: number, n: number): void {
  const sf = Math.fround(s);
  for (let i = 0; i < n; i++) out[i] = a[i] * sf;
}

/** out[c] = sum over r of x[r*cols + c], rows in increasing order (f64 accumulation). */
export function sumRowsRef(out: Float32Array, x: Float32Array, rows: number, cols: number): void {
  for (let c = 0; c < cols; c++) {
    let s = 0;
    for (let r = 0; r < rows; r++) s += x[r * cols + c];
    out[c] = s;
  }
}

/** out[i] = value. */
export function fillRef(out: Float32Array | Int32Array, value: number, n: number): void {
  out.fill(value, 0, n);
}

/** dst += src. */
export function accumulateRef(dst: Float32Array, src: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) dst[i] += src[i];
}
