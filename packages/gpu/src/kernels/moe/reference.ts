// CPU references for the mixture-of-experts kernels (the CPU backend runs these; moe.ts's WGSL kernels are tested
// against them, same signatures minus the runtime). Dimension letters: N tokens, E experts, k experts per token
// (top-k), C channels, R rows per expert (= capacity), S = E*R expert slots, M gathered rows, I/O in/out features
// of an expert's matmul. Flat assignment i = n*k + j is token n's j-th pick.

/** How router logits become probabilities and gates. */
export type MoeGateMode = "softmax" | "sigmoid";

/** Grouped matmul dims: x (E,R,I) · w (E,I,O) -> (E,R,O), one product per expert. */
export interface GroupedDims {
  readonly E: number;
  readonly R: number;
  readonly I: number;
  readonly O: number;
}

/** σ(x) without overflow for either sign. */
function sigmoid(x: number): number {
  const e = Math.exp(-Math.abs(x));
  return x >= 0 ? 1 / (1 + e) : e / (1 + e);
}

/**
 * Top-k routing of logits (N,E). probs (N,E) = softmax(logits) row by row ("softmax") or σ(logits) ("sigmoid").
 * experts i32 (N,k) = the k largest logits in descending order, ties to the lower id (the logit order is the
 * probability order: both maps are monotone). gates (N,k) = softmax over the k picked logits (= their softmax
 * probabilities renormalized to sum 1), or their sigmoids divided by the sum of the k sigmoids.
 */
export function moeRouteForwardRef(
  gates: Float32Array, experts: Int32Array, probs: Float32Array, logits: Float32Array, N: number, E: number, k: number, mode: MoeGateMode,
): void {
  for (let n = 0; n < N; n++) {
    const row = n * E;
    let m = logits[row];
    for (let e = 1; e < E; e++) m = Math.max(m, logits[row + e]);
    if (mode === "softmax") {
      let s = 0;
      for (let e = 0; e < E; e++) s += Math.exp(logits[row + e] - m);
      for (let e = 0; e < E; e++) probs[row + e] = Math.exp(logits[row + e] - m) / s;
    } else {
      for (let e = 0; e < E; e++) probs[row + e] = sigmoid(logits[row + e]);
    }
    const order = Array.from({ length: E }, (_, e) => e).sort((a, b) => logits[row + b] - logits[row + a] || a - b);
    let total = 0;
    for (let j = 0; j < k; j++) {
      const e = order[j];
      experts[n * k + j] = e;
      const w = mode === "softmax" ? Math.exp(logits[row + e] - m) : sigmoid(logits[row + e]);
      gates[n * k + j] = w;
      total += w;
    }
    for (let j = 0; j < k; j++) gates[n * k + j] /= total;
  }
}

/**
 * dlogits (N,E), overwritten, from the gates' gradient dgates (N,k): on the picked experts g_j·(dg_j - Σ g·dg),
 * times σ(-l) in sigmoid mode (d/dl of σ(l)/Σσ); zero on the others.
 */
export function moeGatesBackwardRef(
  dlogits: Float32Array, dgates: Float32Array, gates: Float32Array, experts: Int32Array, logits: Float32Array,
  N: number, E: number, k: number, mode: MoeGateMode,
): void {
  dlogits.fill(0, 0, N * E);
  for (let n = 0; n < N; n++) {
    let dot = 0;
    for (let j = 0; j < k; j++) dot += gates[n * k + j] * dgates[n * k + j];
    for (let j = 0; j < k; j++) {
      const e = experts[n * k + j];
      if (e < 0 || e >= E) continue;
      const g = gates[n * k + j] * (dgates[n * k + j] - dot);
      dlogits[n * E + e] += mode === "softmax" ? g : g * sigmoid(-logits[n * E + e]);
    }
  }
}

/** dlogits (N,E), overwritten, from the probabilities' gradient dprobs (N,E): p·(dp - Σ p·dp), or dp·σ(l)·σ(-l). */
export function moeProbsBackwardRef(dlogits: Float32Array, dprobs: Float32Array, probs: Float32Array, logits: Float32Array, N: number, E: number, mode: MoeGateMode): void {
  for (let n = 0; n < N; n++) {
    const row = n * E;
    if (mode === "softmax") {
      let dot = 0;
      for (let e = 0; e < E; e++) dot += probs[row + e] * dprobs[row + e];
      for (let e = 0; e < E; e++) dlogits[row + e] = probs[row + e] * (dprobs[row + e] - dot);
    } else {
      for (let e = 0; e < E; e++) dlogits[row + e] = dprobs[row + e] * sigmoid(logits[row + e]) * sigmoid(-logits[row + e]);
    }
  }
}

/**
 * Capacity-limited dispatch of the assignments experts i32 (N,k): a stable counting sort by expert. Within an expert,
 * assignments keep their flat order i = n*k + j, so a token earlier in the batch wins a slot. counts i32 (E) =
 * assignments per expert before capacity; slotOf i32 (N,k) = e*capacity + rank, or -1 when rank >= capacity or the
 * id is outside [0,E) (not counted); rowOf i32 (E*capacity) = the token in each slot, -1 for an empty one.
 */
export function moeDispatchRef(
  rowOf: Int32Array, slotOf: Int32Array, counts: Int32Array, experts: Int32Array, N: number, k: number, E: number, capacity: number,
): void {
  counts.fill(0, 0, E);
  rowOf.fill(-1, 0, E * capacity);
  for (let i = 0; i < N * k; i++) {
    const e = experts[i];
    if (e < 0 || e >= E) {
      slotOf[i] = -1;
      continue;
    }
    const r = counts[e]++;
    slotOf[i] = r < capacity ? e * capacity + r : -1;
    if (r < capacity) rowOf[e * capacity + r] = Math.floor(i / k);
  }
}

/** out (M,C) = x[rowOf[m], :], a zero row where rowOf[m] is outside [0,N). */
export function moeGatherForwardRef(out: Float32Array, x: Float32Array, rowOf: Int32Array, M: number, N: number, C: number): void {
  for (let m = 0; m < M; m++) {
    const n = rowOf[m];
    const ok = n >= 0 && n < N;
    for (let c = 0; c < C; c++) out[m * C + c] = ok ? x[n * C + c] : 0;
  }
}

/** dx (N,C), overwritten: dx[n] = sum of dout[m] over m with rowOf[m] = n, in increasing m. */
export function moeGatherBackwardRef(dx: Float32Array, dout: Float32Array, rowOf: Int32Array, M: number, N: number, C: number): void {
  dx.fill(0, 0, N * C);
  for (let m = 0; m < M; m++) {
    const n = rowOf[m];
    if (n < 0 || n >= N) continue;
    for (let c = 0; c < C; c++) dx[n * C + c] += dout[m * C + c];
  }
}

/** out (E,R,O) = x[e] (R,I) · w[e] (I,O) + bias[e] (O), per expert e; sums in f64, bias first. */
export function groupedMatmulForwardRef(out: Float32Array, x: Float32Array, w: Float32Array, bias: Float32Array | null, d: GroupedDims): void {
  const { E, R, I, O } = d;
  const row = new Float64Array(O);
  for (let e = 0; e < E; e++) {
    for (let r = 0; r < R; r++) {
      for (let o = 0; o < O; o++) row[o] = bias ? bias[e * O + o] : 0;
      for (let i = 0; i < I; i++) {
        const v = x[(e * R + r) * I + i];
        const wb = (e * I + i) * O;
        for (let o = 0; o < O; o++) row[o] += v * w[wb + o];
      }
      out.set(row, (e * R + r) * O);
    }
  }
}

/** dx (E,R,I) = dout[e]·w[e]ᵀ, dw (E,I,O) = x[e]ᵀ·dout[e], dbias (E,O) = column sums of dout[e]; overwritten, null skips. */
export function groupedMatmulBackwardRef(
  dx: Float32Array | null, dw: Float32Array | null, dbias: Float32Array | null, dout: Float32Array, x: Float32Array, w: Float32Array, d: GroupedDims,
): void {
  const { E, R, I, O } = d;
  for (let e = 0; e < E; e++) {
    if (dx) {
      for (let r = 0; r < R; r++) {
        const g = (e * R + r) * O;
        for (let i = 0; i < I; i++) {
          const wb = (e * I + i) * O;
          let s = 0;
          for (let o = 0; o < O; o++) s += dout[g + o] * w[wb + o];
          dx[(e * R + r) * I + i] = s;
        }
      }
    }
    if (dw) {
      const acc = new Float64Array(I * O);
      for (let r = 0; r < R; r++) {
        const g = (e * R + r) * O;
        for (let i = 0; i < I; i++) {
          const v = x[(e * R + r) * I + i];
          for (let o = 0; o < O; o++) acc[i * O + o] += v * dout[g + o];
        }
      }
      dw.set(acc, e * I * O);
    }
    if (dbias) {
      for (let o = 0; o < O; o++) {
        let s = 0;
        for (let r = 0; r < R; r++) s += dout[(e * R + r) * O + o];
        dbias[e * O + o] = s;
      }
    }
  }
}

/** out (N,C) = sum over j of gates[n,j] · y[slotOf[n,j], :], slots outside [0,S) (dropped) adding nothing. */
export function moeCombineForwardRef(out: Float32Array, y: Float32Array, slotOf: Int32Array, gates: Float32Array, N: number, k: number, S: number, C: number): void {
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      let s = 0;
      for (let j = 0; j < k; j++) {
        const slot = slotOf[n * k + j];
        if (slot >= 0 && slot < S) s += gates[n * k + j] * y[slot * C + c];
      }
      out[n * C + c] = s;
    }
  }
}

/**
 * dy (S,C), overwritten: dy[s] = sum of gates[i]·dout[n] over assignments i = n*k + j with slotOf[i] = s, in
 * increasing i (zero for a slot no assignment uses). dgates (N,k) = dout[n] · y[slotOf[n,j]] (0 when dropped).
 */
export function moeCombineBackwardRef(
  dy: Float32Array | null, dgates: Float32Array | null, dout: Float32Array, y: Float32Array, slotOf: Int32Array, gates: Float32Array,
  N: number, k: number, S: number, C: number,
): void {
  if (dy) dy.fill(0, 0, S * C);
  for (let i = 0; i < N * k; i++) {
    const slot = slotOf[i];
    const n = Math.floor(i / k);
    const ok = slot >= 0 && slot < S;
    if (dy && ok) for (let c = 0; c < C; c++) dy[slot * C + c] += gates[i] * dout[n * C + c];
    if (dgates) {
      let s = 0;
      if (ok) for (let c = 0; c < C; c++) s += dout[n * C + c] * y[slot * C + c];
      dgates[i] = s;
    }
  }
}
