// CPU references for log-sigmoid, elementwise over n values: y = log σ(x) = min(x,0) - log1p(exp(-|x|)) and its
// backward dx = dy · σ(-x). Only exp of non-positive numbers is taken, so any finite x gives a finite result.

/** σ(-x), without overflow for either sign of x. */
function sigmoidNeg(x: number): number {
  const e = Math.exp(-Math.abs(x));
  return x >= 0 ? e / (1 + e) : 1 / (1 + e);
}

/** out (n) = log σ(x). */
export function logSigmoidForwardRef(out: Float32Array, x: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) out[i] = Math.min(x[i], 0) - Math.log1p(Math.exp(-Math.abs(x[i])));
}

/** dx (n) = dout · σ(-x), overwritten. */
export function logSigmoidBackwardRef(dx: Float32Array, dout: Float32Array, x: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) dx[i] = dout[i] * sigmoidNeg(x[i]);
}
