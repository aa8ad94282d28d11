// The shared op case table: every differentiable op × a few shapes (odd sizes included) on seeded random inputs.
// Run against any backend by cases.test.ts (outputs and input gradients vs the CPU backend) and by
// gradcheck.test.ts (CPU backward vs central finite differences).
import { ops } from "../ops/index.ts";
import type { Device, Tensor } from "../tensor.ts";

export interface OpCase {
  readonly name: string;
  /** Make the inputs on dev (deterministic from the case). Float inputs with requiresGrad get checked. */
  inputs(dev: Device): Tensor[];
  run(inputs: Tensor[]): Tensor;
  /** Max abs error allowed vs the CPU backend, relative to max(1, |ref|). @default 2e-4 */
  readonly tol?: number;
  /** Skip the finite-difference check (ops with kinks or huge fan-in). */
  readonly noGradcheck?: boolean;
}

const g = { requiresGrad: true };
let seedCounter = 1;
const rnd = (dev: Device, shape: number[], std = 1, name = "x"): Tensor => dev.randn(shape, std, seedCounter++ * 7919, { ...g, name });
const ids = (dev: Device, n: number, V: number, salt: number, shape = [n]): Tensor =>
  dev.tensor(Int32Array.from({ length: n }, (_, i) => (i * 7 + salt * 3 + ((i * i) % 5)) % V), shape, { name: "ids" });

/** Router logits (N,E): each row a rotated ladder 0.4 apart (ascending or descending) plus noise under 0.1. */
const ladder = (dev: Device, N: number, E: number): Tensor =>
  dev.tensor(Float32Array.from({ length: N * E }, (_, i) => {
    const [n, e] = [Math.floor(i / E), i % E];
    return (((e + n) % E) - E / 2) * 0.4 * (n % 2 ? -1 : 1) + 0.09 * Math.sin(i * 1.7 + seedCounter);
  }), [N, E], { ...g, name: "logits" });
/** An i32 index map (shape, M entries) into [0,K): -1 every third entry, repeats elsewhere. */
const idx = (dev: Device, M: number, K: number, salt: number, shape = [M]): Tensor =>
  dev.tensor(Int32Array.from({ length: M }, (_, i) => (i % 3 === 1 ? -1 : (i * 7 + salt) % K)), shape, { name: "index" });

function reset(): void {
  seedCounter = 1;
}

export function opCases(): OpCase[] {
  reset();
  const cases: OpCase[] = [];
  for (const [M, K, N] of [[3, 5, 7], [17, 9, 33], [1, 64, 2]]) {
    cases.push({ name: `matmul ${M}x${K}x${N}`, inputs: (d) => [rnd(d, [M, K]), rnd(d, [K, N])], run: ([a, b]) => ops.matmul(a, b) });
    cases.push({
      name: `matmul transB + bias ${M}x${K}x${N}`,
      inputs: (d) => [rnd(d, [2, M, K]), rnd(d, [N, K]), rnd(d, [N])],
      run: ([a, b, c]) => ops.matmul(a, b, { transB: true, bias: c }),
    });
  }
  cases.push({ name: "matmul transA batched b 4x6x5", inputs: (d) => [rnd(d, [3, 6, 4]), rnd(d, [3, 6, 5])], run: ([a, b]) => ops.matmul(a, b, { transA: true }) });
  cases.push({
    name: "matmul + bias + residual 2x(6x8)x12",
    inputs: (d) => [rnd(d, [2, 6, 8]), rnd(d, [8, 12]), rnd(d, [12]), rnd(d, [2, 6, 12])],
    run: ([a, b, c, r]) => ops.matmul(a, b, { bias: c, residual: r }),
  });
  cases.push({
    name: "geluMlp 2x(5x8), hidden 16, biases and residual",
    inputs: (d) => [rnd(d, [2, 5, 8]), rnd(d, [8, 16], 0.5), rnd(d, [16]), rnd(d, [16, 8], 0.5), rnd(d, [8]), rnd(d, [2, 5, 8])],
    run: ([x, w1, b1, w2, b2, r]) => ops.geluMlp(x, w1, b1, w2, b2, { residual: r }),
  });
  cases.push({
    name: "geluMlp (7x12), hidden 32, no biases",
    inputs: (d) => [rnd(d, [7, 12]), rnd(d, [12, 32], 0.5), rnd(d, [32, 12], 0.5)],
    run: ([x, w1, w2]) => ops.geluMlp(x, w1, null, w2, null),
  });
  cases.push({
    name: "geluMlp 2x(16x64), hidden 192, biases and residual (full texel rows)",
    inputs: (d) => [rnd(d, [2, 16, 64]), rnd(d, [64, 192], 0.2), rnd(d, [192]), rnd(d, [192, 64], 0.2), rnd(d, [64]), rnd(d, [2, 16, 64])],
    run: ([x, w1, b1, w2, b2, r]) => ops.geluMlp(x, w1, b1, w2, b2, { residual: r }),
    noGradcheck: true,
  });
  cases.push({
    name: "pre-norm residual x + layerNorm(x)·W (layerNorm adds into x's gradient)",
    inputs: (d) => [rnd(d, [2, 5, 8]), rnd(d, [8], 0.5), rnd(d, [8], 0.5), rnd(d, [8, 8], 0.5)],
    run: ([x, w, b, W]) => ops.matmul(ops.layerNorm(x, w, b), W, { residual: x }),
  });
  cases.push({ name: "matmul transA transB 5x3x4", inputs: (d) => [rnd(d, [3, 5]), rnd(d, [4, 3])], run: ([a, b]) => ops.matmul(a, b, { transA: true, transB: true }) });
  for (const shape of [[7], [3, 5], [2, 3, 17]]) {
    const s = shape.join("x");
    cases.push({ name: `add ${s}`, inputs: (d) => [rnd(d, shape), rnd(d, shape)], run: ([a, b]) => ops.add(a, b) });
    cases.push({ name: `add broadcast ${s}`, inputs: (d) => [rnd(d, shape), rnd(d, shape.slice(-1))], run: ([a, b]) => ops.add(a, b) });
    cases.push({ name: `mul broadcast ${s}`, inputs: (d) => [rnd(d, shape), rnd(d, shape.slice(-1))], run: ([a, b]) => ops.mul(a, b) });
    cases.push({ name: `scale ${s}`, inputs: (d) => [rnd(d, shape)], run: ([a]) => ops.scale(a, -0.37) });
    cases.push({ name: `gelu ${s}`, inputs: (d) => [rnd(d, shape, 2)], run: ([a]) => ops.gelu(a) });
    cases.push({ name: `silu ${s}`, inputs: (d) => [rnd(d, shape, 2)], run: ([a]) => ops.silu(a) });
    cases.push({ name: `swiglu ${s}`, inputs: (d) => [rnd(d, shape, 2), rnd(d, shape)], run: ([a, b]) => ops.swiglu(a, b) });
    cases.push({ name: `softmax ${s}`, inputs: (d) => [rnd(d, shape, 2)], run: ([a]) => ops.softmax(a) });
    cases.push({ name: `sum ${s}`, inputs: (d) => [rnd(d, shape)], run: ([a]) => ops.sum(a) });
    cases.push({ name: `mean ${s}`, inputs: (d) => [rnd(d, shape)], run: ([a]) => ops.mean(a) });
    cases.push({ name: `dropout ${s}`, inputs: (d) => [rnd(d, shape)], run: ([a]) => ops.dropout(a, 0.3, 1234), tol: 1e-6 });
    cases.push({ name: `reshape ${s}`, inputs: (d) => [rnd(d, shape)], run: ([a]) => ops.gelu(ops.reshape(a, [-1])) });
  }
  for (const [N, C] of [[1, 8], [5, 33], [12, 64]]) {
    cases.push({ name: `layerNorm ${N}x${C}`, inputs: (d) => [rnd(d, [N, C], 2), rnd(d, [C]), rnd(d, [C])], run: ([x, w, b]) => ops.layerNorm(x, w, b, 1e-5) });
    cases.push({ name: `rmsNorm ${N}x${C}`, inputs: (d) => [rnd(d, [N, C], 2), rnd(d, [C])], run: ([x, w]) => ops.rmsNorm(x, w, 1e-5) });
  }
  for (const [B, T, V, C] of [[1, 3, 5, 4], [2, 7, 11, 9]]) {
    cases.push({
      name: `embedding ${B}x${T} V${V} C${C}`,
      inputs: (d) => [ids(d, B * T, V, 1, [B, T]), rnd(d, [V, C])],
      run: ([i, t]) => ops.embedding(i, t),
    });
  }
  for (const [N, V] of [[1, 3], [6, 17], [9, 64]]) {
    cases.push({ name: `crossEntropy ${N}x${V}`, inputs: (d) => [rnd(d, [N, V], 2), ids(d, N, V, 2)], run: ([l, t]) => ops.crossEntropy(l, t) });
    cases.push({
      name: `crossEntropy ignore+mask ${N}x${V}`,
      inputs: (d) => [
        rnd(d, [N, V], 2),
        d.tensor(Int32Array.from({ length: N }, (_, i) => (i % 3 === 1 ? -100 : (i * 5) % V)), [N], { name: "targets" }),
        d.tensor(Float32Array.from({ length: N }, (_, i) => (i % 4 === 2 ? 0 : 1)), [N], { name: "mask" }),
      ],
      run: ([l, t, m]) => ops.crossEntropy(l, t, { ignoreIndex: -100, mask: m }),
    });
  }
  for (const [B, T, C, H] of [[1, 1, 4, 1], [2, 5, 12, 3], [1, 9, 16, 2]]) {
    cases.push({ name: `rope ${B}x${T}x${C} h${H}`, inputs: (d) => [rnd(d, [B, T, 3 * C])], run: ([q]) => ops.rope(q, H, 10000) });
    cases.push({ name: `attention causal ${B}x${T}x${C} h${H}`, inputs: (d) => [rnd(d, [B, T, 3 * C])], run: ([q]) => ops.attention(q, H, { causal: true }) });
    cases.push({ name: `attention full ${B}x${T}x${C} h${H}`, inputs: (d) => [rnd(d, [B, T, 3 * C])], run: ([q]) => ops.attention(q, H, { causal: false }) });
  }
  for (const [B, T, Hd] of [[1, 1, 2], [2, 4, 3], [3, 5, 8]]) {
    cases.push({
      name: `lstm ${B}x${T} Hd${Hd}`,
      inputs: (d) => [rnd(d, [B, T, 4 * Hd]), rnd(d, [Hd, 4 * Hd], 0.5), rnd(d, [B, Hd]), rnd(d, [B, Hd])],
      run: ([x, w, h, c]) => ops.lstm(x, w, h, c),
    });
    cases.push({ name: `lstm zero state ${B}x${T} Hd${Hd}`, inputs: (d) => [rnd(d, [B, T, 4 * Hd]), rnd(d, [Hd, 4 * Hd], 0.5)], run: ([x, w]) => ops.lstm(x, w) });
    cases.push({
      name: `gru ${B}x${T} Hd${Hd}`,
      inputs: (d) => [rnd(d, [B, T, 3 * Hd]), rnd(d, [Hd, 3 * Hd], 0.5), rnd(d, [B, Hd])],
      run: ([x, w, h]) => ops.gru(x, w, h),
    });
  }
  for (const shape of [[1], [7], [3, 5, 67]]) {
    cases.push({ name: `logSigmoid ${shape.join("x")}`, inputs: (d) => [rnd(d, shape, 6)], run: ([a]) => ops.logSigmoid(a) });
  }
  for (const [lead, D] of [[[1], 1], [[5], 67], [[2, 3], 9]] as [number[], number][]) {
    const name = `rowScale ${[...lead, D].join("x")}`;
    cases.push({ name, inputs: (d) => [rnd(d, [...lead, D]), rnd(d, lead)], run: ([x, s]) => ops.rowScale(x, s) });
  }
  // Mixture of experts. Router logits are a rotated ladder 0.4 apart, so a finite-difference step never changes
  // the top-k picks (and with them the dispatch); index maps include -1 (empty or dropped) and repeated entries.
  for (const [N, E, k] of [[1, 3, 1], [5, 7, 3], [9, 4, 4]]) {
    for (const mode of ["softmax", "sigmoid"] as const) {
      cases.push({ name: `moeRoute gates ${N}x${E} k${k} ${mode}`, inputs: (d) => [ladder(d, N, E)], run: ([l]) => ops.moeRoute(l, k, mode).gates });
      cases.push({ name: `moeRoute probs ${N}x${E} k${k} ${mode}`, inputs: (d) => [ladder(d, N, E)], run: ([l]) => ops.moeRoute(l, k, mode).probs });
    }
  }
  for (const [N, M, C] of [[1, 2, 3], [5, 9, 4], [6, 4, 17]]) {
    cases.push({ name: `moeGather ${N}x${C} into ${M}`, inputs: (d) => [rnd(d, [N, C]), idx(d, M, N, 3)], run: ([x, r]) => ops.moeGather(x, r) });
  }
  for (const [E, R, I, O, bias] of [[1, 1, 1, 1, false], [2, 3, 5, 4, true], [3, 1, 7, 6, false], [2, 16, 64, 64, true]] as const) {
    cases.push({
      name: `groupedMatmul ${E}x${R}x${I}x${O}${bias ? " + bias" : ""}`,
      inputs: (d) => [rnd(d, [E, R, I]), rnd(d, [E, I, O], 0.5), ...(bias ? [rnd(d, [E, O])] : [])],
      run: ([x, w, b]) => ops.groupedMatmul(x, w, { bias: b ?? null }),
    });
  }
  for (const [N, k, S, C] of [[1, 1, 2, 3], [3, 2, 5, 4], [6, 1, 4, 7]]) {
    cases.push({ name: `moeCombine ${N}x${k} from ${S}x${C}`, inputs: (d) => [rnd(d, [S, C]), idx(d, N * k, S, 5, [N, k]), rnd(d, [N, k])], run: ([y, s, g]) => ops.moeCombine(y, s, g) });
  }
  cases.push({
    name: "moe layer: route, dispatch over capacity, gather, groupedMatmul, combine",
    inputs: (d) => [rnd(d, [6, 5]), ladder(d, 6, 4), rnd(d, [4, 5, 3], 0.5)],
    run: ([x, l, w]) => {
      const [E, R] = [4, 3];
      const { gates, experts } = ops.moeRoute(l, 2, "softmax");
      const { rowOf, slotOf } = ops.moeDispatch(experts, E, R);
      const ye = ops.groupedMatmul(ops.reshape(ops.moeGather(x, rowOf), [E, R, 5]), w);
      return ops.moeCombine(ops.reshape(ye, [E * R, 3]), slotOf, gates);
    },
  });
  // Each case draws its inputs from its own seed range, so every backend sees the same numbers.
  return cases.map((c, k) => ({
    ...c,
    inputs: (d: Device) => {
      seedCounter = 1 + k * 64;
      return c.inputs(d);
    },
  }));
}
