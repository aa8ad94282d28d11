// WebGPU dispatch of the mixture-of-experts kernels, with reference.ts's signatures plus the runtime.
// Dimension letters: N tokens, E experts, k experts per token (top-k), C channels, R rows per expert (= capacity),
// S = E*R expert slots, M gathered rows, I/O in/out features of an expert's matmul, L = N*k assignments (flat
// i = n*k + j), K keys of an inverse index map. Dispatches, in order:
//   moeRoute        route.wgsl, one invocation per token row. Backward: route-backward.wgsl (gates or probs).
//   moeDispatch     fill rowOf with -1; dispatch.wgsl PASS 0 (block counts), 1 (per-expert scan), 2 (place).
//   moeGather       embedding.wgsl: the same gather, x as the table. Backward: invert.wgsl PASS 0-3 over rowOf
//                   (CSR lists of the rows gathered from each token), then segsum.wgsl.
//   groupedMatmul   [expert-bias.wgsl OP 0: out = bias, accumulated onto] then matmul's gemm with the E experts as
//                   one batched product: one dispatch (tex.wgsl on software adapters). Backward: two batched gemms
//                   (dx, dw) and expert-bias.wgsl OP 1 (dbias). At E=8, R=64, I=128, O=512 on lavapipe under load
//                   (bench.ts, LATHE_MATMUL forcing the kernel): tex 15-18 GFLOP/s, fast.wgsl 3.4, matmul.wgsl 2.4;
//                   E separate tex products 10-16 (8 dispatches, fewer row blocks per workgroup).
//   moeCombine      combine.wgsl OP 0. Backward: invert.wgsl over slotOf then segsum.wgsl (dy); combine.wgsl OP 1 (dgates).
// No float atomics anywhere: every sum runs in a fixed order, so results are bitwise repeatable.
import { type GpuBuf, packParams, type Runtime } from "../../runtime.ts";
import type { MatmulDims, MatmulOpts } from "../../types.ts";
import { fill } from "../elementwise/elementwise.ts";
import { grid1d } from "../grid.ts";
import { matmulBackward, matmulForward } from "../matmul/matmul.ts";
import type { GroupedDims, MoeGateMode } from "./reference.ts";
import routeSrc from "./route.wgsl" with { type: "text" };
import routeBwdSrc from "./route-backward.wgsl" with { type: "text" };
import dispatchSrc from "./dispatch.wgsl" with { type: "text" };
import invertSrc from "./invert.wgsl" with { type: "text" };
import segsumSrc from "./segsum.wgsl" with { type: "text" };
import combineSrc from "./combine.wgsl" with { type: "text" };
import biasSrc from "./expert-bias.wgsl" with { type: "text" };
import gatherSrc from "../embedding/embedding.wgsl" with { type: "text" };

/** Assignments per block in dispatch.wgsl (its BS). */
const BS = 64;
const NO_T: MatmulOpts = { transA: false, transB: false };
const modeId = (mode: MoeGateMode): number => (mode === "softmax" ? 0 : 1);

/** gates (N,k), experts i32 (N,k), probs (N,E) from logits (N,E); see moeRouteForwardRef. */
export function moeRouteForward(rt: Runtime, gates: GpuBuf, experts: GpuBuf, probs: GpuBuf, logits: GpuBuf, N: number, E: number, k: number, mode: MoeGateMode): void {
  rt.dispatch({ name: "moe.route", code: routeSrc, constants: { MODE: modeId(mode) } }, [gates, experts, probs, logits], packParams([["u", N], ["u", E], ["u", k]]), grid1d(N, 64));
}

/** dlogits (N,E), overwritten, from dgates (N,k); see moeGatesBackwardRef. */
export function moeGatesBackward(rt: Runtime, dlogits: GpuBuf, dgates: GpuBuf, gates: GpuBuf, experts: GpuBuf, logits: GpuBuf, N: number, E: number, k: number, mode: MoeGateMode): void {
  const bufs = [dlogits, dgates, rt.dummy(0), gates, experts, rt.dummy(1), logits];
  rt.dispatch({ name: "moe.route.backward", code: routeBwdSrc, constants: { MODE: modeId(mode) } }, bufs, packParams([["u", N], ["u", E], ["u", k], ["u", 1]]), grid1d(N, 64));
}

/** dlogits (N,E), overwritten, from dprobs (N,E); see moeProbsBackwardRef. */
export function moeProbsBackward(rt: Runtime, dlogits: GpuBuf, dprobs: GpuBuf, probs: GpuBuf, logits: GpuBuf, N: number, E: number, mode: MoeGateMode): void {
  const bufs = [dlogits, rt.dummy(0), dprobs, rt.dummy(1), rt.dummy(2), probs, logits];
  rt.dispatch({ name: "moe.route.backward", code: routeBwdSrc, constants: { MODE: modeId(mode) } }, bufs, packParams([["u", N], ["u", E], ["u", 1], ["u", 2]]), grid1d(N, 64));
}

/** rowOf i32 (E*capacity), slotOf i32 (N,k), counts i32 (E) from experts i32 (N,k); see moeDispatchRef. */
export function moeDispatch(rt: Runtime, rowOf: GpuBuf, slotOf: GpuBuf, counts: GpuBuf, experts: GpuBuf, N: number, k: number, E: number, capacity: number): void {
  const L = N * k;
  const nb = Math.ceil(L / BS);
  const bc = rt.alloc(Math.max(nb * E, 1) * 4, `moe.dispatch block counts (${nb},${E}) u32`);
  fill(rt, rowOf, -1, E * capacity, true);
  const bufs = [rowOf, slotOf, counts, bc, experts];
  const params = packParams([["u", L], ["u", k], ["u", E], ["u", capacity], ["u", nb]]);
  rt.dispatch({ name: "moe.dispatch.count", code: dispatchSrc, constants: { PASS: 0 } }, bufs, params, grid1d(nb * E, 64));
  rt.dispatch({ name: "moe.dispatch.scan", code: dispatchSrc, constants: { PASS: 1 } }, bufs, params, grid1d(E, 64));
  rt.dispatch({ name: "moe.dispatch.place", code: dispatchSrc, constants: { PASS: 2 } }, bufs, params, grid1d(L, 64));
  rt.free(bc);
}

/** CSR inverse of idx i32 (L) into [0,K): off (K+1) and list (L) of items per key in increasing order. Caller frees both. */
function invert(rt: Runtime, idx: GpuBuf, L: number, K: number): { off: GpuBuf; list: GpuBuf } {
  const cnt = rt.alloc(Math.max(K, 1) * 4, `moe.invert counts (${K}) u32`);
  const off = rt.alloc((K + 1) * 4, `moe.invert offsets (${K + 1}) u32`);
  const list = rt.alloc(Math.max(L, 1) * 4, `moe.invert list (${L}) u32`);
  fill(rt, cnt, 0, K, true);
  const bufs = [cnt, off, list, idx];
  const params = packParams([["u", L], ["u", K]]);
  rt.dispatch({ name: "moe.invert.count", code: invertSrc, constants: { PASS: 0 } }, bufs, params, grid1d(L, 256));
  rt.dispatch({ name: "moe.invert.scan", code: invertSrc, constants: { PASS: 1 } }, bufs, params, [1]);
  rt.dispatch({ name: "moe.invert.place", code: invertSrc, constants: { PASS: 2 } }, bufs, params, grid1d(L, 256));
  rt.dispatch({ name: "moe.invert.sort", code: invertSrc, constants: { PASS: 3 } }, bufs, params, grid1d(K, 256));
  rt.free(cnt);
  return { off, list };
}

/** out (M,C) = x[rowOf[m], :] (zero rows for ids outside [0,N)): embedding.wgsl's gather with x as the table. */
export function moeGatherForward(rt: Runtime, out: GpuBuf, x: GpuBuf, rowOf: GpuBuf, M: number, N: number, C: number): void {
  rt.dispatch({ name: "moe.gather", code: gatherSrc }, [out, rowOf, x], packParams([["u", M], ["u", C], ["u", N]]), grid1d(M * C, 256));
}

/** dx (N,C), overwritten: dx[n] = sum of dout[m] over rowOf[m] = n, in increasing m. */
export function moeGatherBackward(rt: Runtime, dx: GpuBuf, dout: GpuBuf, rowOf: GpuBuf, M: number, N: number, C: number): void {
  const { off, list } = invert(rt, rowOf, M, N);
  rt.dispatch({ name: "moe.gather.backward", code: segsumSrc, constants: { WEIGHTED: 0 } }, [dx, dout, off, list, rt.dummy(0)], packParams([["u", N], ["u", C], ["u", 1]]), grid1d(N * C, 256));
  rt.free(off);
  rt.free(list);
}

function batched({ E, R, I, O }: GroupedDims): MatmulDims {
  return { batch: E, M: R, N: O, K: I, bBatched: true };
}

/** out (E,R,O) = x[e]·w[e] + bias[e] for every expert e, the products in one dispatch. */
export function groupedMatmulForward(rt: Runtime, out: GpuBuf, x: GpuBuf, w: GpuBuf, bias: GpuBuf | null, d: GroupedDims): void {
  if (!bias) return matmulForward(rt, out, x, w, null, batched(d), NO_T);
  rt.dispatch({ name: "moe.expert-bias", code: biasSrc, constants: { OP: 0 } }, [out, bias], packParams([["u", d.E], ["u", d.R], ["u", d.O]]), grid1d(d.E * d.R * d.O, 256));
  matmulForward(rt, out, x, w, null, batched(d), NO_T, true);
}

/** dx (E,R,I), dw (E,I,O), dbias (E,O), each overwritten when given; see groupedMatmulBackwardRef. */
export function groupedMatmulBackward(rt: Runtime, dx: GpuBuf | null, dw: GpuBuf | null, dbias: GpuBuf | null, dout: GpuBuf, x: GpuBuf, w: GpuBuf, d: GroupedDims): void {
  if (dx || dw) matmulBackward(rt, dx, dw, null, dout, x, w, batched(d), NO_T);
  if (dbias) rt.dispatch({ name: "moe.expert-bias.grad", code: biasSrc, constants: { OP: 1 } }, [dbias, dout], packParams([["u", d.E], ["u", d.R], ["u", d.O]]), grid1d(d.E * d.O, 256));
}

/** out (N,C) = sum over j of gates[n,j]·y[slotOf[n,j]] (dropped slots add nothing). */
export function moeCombineForward(rt: Runtime, out: GpuBuf, y: GpuBuf, slotOf: GpuBuf, gates: GpuBuf, N: number, k: number, S: number, C: number): void {
  rt.dispatch({ name: "moe.combine", code: combineSrc, constants: { OP: 0 } }, [out, y, slotOf, gates], packParams([["u", N], ["u", k], ["u", S], ["u", C]]), grid1d(N * C, 256));
}

/** dy (S,C) and dgates (N,k), each overwritten when given; see moeCombineBackwardRef. */
export function moeCombineBackward(
  rt: Runtime, dy: GpuBuf | null, dgates: GpuBuf | null, dout: GpuBuf, y: GpuBuf, slotOf: GpuBuf, gates: GpuBuf, N: number, k: number, S: number, C: number,
): void {
  if (dy) {
    const { off, list } = invert(rt, slotOf, N * k, S);
    rt.dispatch({ name: "moe.combine.dy", code: segsumSrc, constants: { WEIGHTED: 1 } }, [dy, dout, off, list, gates], packParams([["u", S], ["u", C], ["u", k]]), grid1d(S * C, 256));
    rt.free(off);
    rt.free(list);
  }
  if (dgates) rt.dispatch({ name: "moe.combine.dgates", code: combineSrc, constants: { OP: 1 } }, [dgates, y, slotOf, dout], packParams([["u", N], ["u", k], ["u", S], ["u", C]]), grid1d(N * k, 256));
}
