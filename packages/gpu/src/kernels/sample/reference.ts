// Sampling a token from each row of logits (B,V): the exact semantics the kernel (sample.wgsl) implements, in plain
// TypeScript (f64 math), and the host sampleLogits on one row. Dimension letters: B rows, V vocab.
//
// For a row with temperature T, top-k k, top-p p and uniform u in [0,1):
// - T <= 0: greedy, the first argmax (ties go to the lowest index); u is not used.
// - else every token has mass e_v = exp((l_v - max l) / T), and the kept set is filtered in two steps:
//   top-k (0 < k < V): the k tokens of largest logit; ties at the k-th largest value keep the lowest indices.
//   top-p (p < 1): of those, the smallest set of largest logits whose mass reaches p * (their total), i.e. the
//   largest threshold value t whose tokens >= t reach it; tokens above t are kept, and of the tokens equal to t the
//   lowest-index j (the fewest that reach p * total, at least 1) are kept.
//   Either way the kept set is "every token above thr, and the first nTie tokens (index order) equal to thr".
// - the token is drawn by inverse CDF over the kept tokens in index order: the first kept v whose cumulative mass
//   exceeds u * (kept mass); the last kept token when rounding leaves none.
// The kernel computes the same in f32 (the kept set exactly: top-k compares logits; the top-p boundary and the draw
// compare sums of f32 masses, so a p or u within ~1e-6 of a boundary can land on the neighbouring token).
// logprob = ln softmax(logits)[token] at temperature 1 with no filtering (the model's own probability of the token).

export interface SampleOptions {
  /** Softmax temperature; 0 means greedy argmax. @default 1 */
  readonly temperature: number;
  /** Keep the k most likely tokens; 0 keeps all. @default 0 */
  readonly topK: number;
  /** Keep the smallest set with cumulative probability >= topP; 1 keeps all. @default 1 */
  readonly topP: number;
}

/** The kept set of a row: every token with logit > thr, and the first nTie tokens (index order) with logit == thr. */
export interface KeptSet {
  readonly thr: number;
  readonly nTie: number;
}

/** First index of the largest value (ties: the lowest index). */
function argmax(row: ArrayLike<number>): number {
  let best = 0;
  for (let v = 1; v < row.length; v++) if (row[v] > row[best]) best = v;
  return best;
}

/** The kept set of row (V) under top-k then top-p at temperature T > 0 (see the header). */
export function keptSet(row: ArrayLike<number>, T: number, topK: number, topP: number): KeptSet {
  const V = row.length;
  const m = row[argmax(row)];
  const e = (x: number): number => Math.exp((x - m) / T);
  let thr = -Infinity;
  let nTie = Infinity;
  if (topK > 0 && topK < V) {
    const sorted = Float64Array.from(row).sort(); // ascending
    thr = sorted[V - topK];
    let above = 0;
    for (let v = 0; v < V; v++) if (row[v] > thr) above++;
    nTie = topK - above;
  }
  if (topP < 1) {
    const cand: number[] = []; // the values top-k kept
    let ties = 0;
    for (let v = 0; v < V; v++) if (row[v] > thr || (row[v] === thr && ties++ < nTie)) cand.push(row[v]);
    const desc = Float64Array.from(cand).sort().reverse(); // largest first
    let total = 0;
    for (const x of desc) total += e(x);
    const P = topP * total;
    let above = 0; // mass of the values above the current one
    for (let i = 0; i < desc.length; ) {
      const t = desc[i];
      let c = 0;
      while (i < desc.length && desc[i] === t) [i++, c++];
      if (above + c * e(t) >= P) {
        const need = (P - above) / e(t);
        return { thr: t, nTie: need < c ? Math.max(1, Math.ceil(need)) : c };
      }
      above += c * e(t);
    }
  }
  return { thr, nTie };
}

/** The token drawn from row (V) with uniform u in [0,1) (see the header). */
export function sampleRow(row: ArrayLike<number>, T: number, topK: number, topP: number, u: number): number {
  if (!(T > 0)) return argmax(row);
  const { thr, nTie } = keptSet(row, T, topK, topP);
  const m = row[argmax(row)];
  const V = row.length;
  const kept = new Uint8Array(V);
  let ties = 0;
  let total = 0;
  for (let v = 0; v < V; v++) {
    kept[v] = row[v] > thr || (row[v] === thr && ties++ < nTie) ? 1 : 0;
    if (kept[v]) total += Math.exp((row[v] - m) / T);
  }
  let r = u * total;
  let last = 0;
  for (let v = 0; v < V; v++) {
    if (!kept[v]) continue;
    last = v;
    r -= Math.exp((row[v] - m) / T);
    if (r < 0) return v;
  }
  return last;
}

/** ln softmax(row)[token] at temperature 1. */
export function logSoftmaxAt(row: ArrayLike<number>, token: number): number {
  const m = row[argmax(row)];
  let z = 0;
  for (let v = 0; v < row.length; v++) z += Math.exp(row[v] - m);
  return row[token] - m - Math.log(z);
}

/**
 * tokens (B) and logprob (B) from logits (B,V), each row with its own temperature (B), topK (B), topP (B) and
 * uniform (B). The reference of the sampleRows kernel: same signature.
 */
export function sampleRowsRef(
  tokens: Int32Array, logprob: Float32Array, logits: Float32Array,
  temperature: Float32Array, topK: Int32Array, topP: Float32Array, uniform: Float32Array, B: number, V: number,
): void {
  for (let b = 0; b < B; b++) {
    const row = logits.subarray(b * V, (b + 1) * V); // (V)
    tokens[b] = sampleRow(row, temperature[b], topK[b], topP[b], uniform[b]);
    logprob[b] = logSoftmaxAt(row, tokens[b]);
  }
}

/** Host sampling of one row: the same semantics as sampleRows, drawing u = rng() only when T > 0. */
export function sampleLogitsRef(logits: Float32Array, opts: SampleOptions, rng: () => number): number {
  if (!(opts.temperature > 0)) return argmax(logits);
  return sampleRow(logits, opts.temperature, opts.topK, opts.topP, rng());
}
