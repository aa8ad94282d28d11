// Mixture-of-experts ops (kernels/moe): top-k routing, capacity-limited dispatch into expert slots, a gather of the
// token rows into those slots, one batched product for all experts, and the gate-weighted combine back into tokens.
// Dimension letters: N tokens, E experts, k experts per token, C channels, R rows per expert (= capacity),
// S = E*R slots, M gathered rows, I/O in/out features of an expert's matmul. A layer reads:
//   const { gates, experts, probs } = ops.moeRoute(ops.matmul(x, wr), k, "softmax"); // (N,k), (N,k) i32, (N,E)
//   const { rowOf, slotOf, counts } = ops.moeDispatch(experts, E, R);               // (S) i32, (N,k) i32, (E) i32
//   const xe = ops.reshape(ops.moeGather(x, rowOf), [E, R, C]);                     // (E,R,C)
//   const ye = ops.groupedMatmul(ops.gelu(ops.groupedMatmul(xe, w1, { bias: b1 })), w2); // (E,R,C)
//   const y = ops.moeCombine(ops.reshape(ye, [E * R, C]), slotOf, gates);           // (N,C)
import { needsGrad, record } from "../autograd.ts";
import { ShapeError } from "../errors.ts";
import { gradOutput } from "../flat.ts";
import type { GroupedDims, MoeGateMode } from "../kernels/moe/reference.ts";
import type { Tensor } from "../tensor.ts";
import { expectDtype, expectRank, fmt, node, sameShape } from "./util.ts";

export type { MoeGateMode } from "../kernels/moe/reference.ts";

/** What moeRoute returns. */
export interface MoeRoute {
  /** (N,k) f32, differentiable: the picked experts' weights, summing to 1 per token. */
  readonly gates: Tensor;
  /** (N,k) i32: the top-k expert ids in descending logit order, ties to the lower id. */
  readonly experts: Tensor;
  /** (N,E) f32, differentiable: softmax(logits) or σ(logits), for the load-balancing loss. */
  readonly probs: Tensor;
}

/** What moeDispatch returns (not differentiable). */
export interface MoeDispatch {
  /** (E*capacity) i32: the token in expert e's slot c (flat e*capacity + c), or -1 for an empty slot. */
  readonly rowOf: Tensor;
  /** (N,k) i32: the flat slot of assignment (n,j), or -1 when dropped (beyond capacity). */
  readonly slotOf: Tensor;
  /** (E) i32: assignments routed to each expert before capacity (fractions f_e = counts/(N*k)). */
  readonly counts: Tensor;
}

export interface GroupedMatmulOptions {
  /** (E,O), expert e's bias added to each of its rows. */
  readonly bias?: Tensor | null;
}

function positiveInt(op: string, name: string, v: number, hint: string, min = 1): void {
  if (!Number.isInteger(v) || v < min) throw new ShapeError(op, `${name} = ${v} must be an integer >= ${min}`, hint);
}

/**
 * logits (N,E) -> gates (N,k), experts i32 (N,k), probs (N,E). "softmax": probs = softmax(logits), gates = the
 * picked experts' probabilities renormalized to sum 1 (= softmax over the k picked logits). "sigmoid": probs =
 * σ(logits), gates = the picked sigmoids divided by their sum. Experts are picked by logit (the order of the
 * probabilities), descending, ties to the lower id. Backward: gates' and probs' gradients both flow into logits.
 */
export function moeRoute(logits: Tensor, k: number, mode: MoeGateMode): MoeRoute {
  expectDtype("moeRoute", logits, "f32");
  expectRank("moeRoute", logits, 2);
  const [N, E] = logits.shape;
  if (!Number.isInteger(k) || k < 1 || k > E) throw new ShapeError("moeRoute", `k = ${k} experts per token out of E = ${E} (${fmt(logits)})`, `pick k in 1..${E}`);
  if (mode !== "softmax" && mode !== "sigmoid") throw new ShapeError("moeRoute", `mode "${String(mode)}" is not a gate mode`, `pass "softmax" or "sigmoid"`);
  const dev = logits.device;
  const gates = dev.empty([N, k], "f32", { name: "moe.gates" });
  const experts = dev.empty([N, k], "i32", { name: "moe.experts" });
  const probs = dev.empty([N, E], "f32", { name: "moe.probs" });
  dev.backend.moeRoute(gates.buf, experts.buf, probs.buf, logits.buf, N, E, k, mode);
  if (!needsGrad(logits)) return { gates, experts, probs };
  // The gates' backward reads the picks: it holds its own reference, so disposing `experts` early is safe.
  const picks = dev.keep(dev.view(experts, experts.shape));
  record(gates, node("moeRoute.gates", [logits], [picks], (g) => {
    const dl = dev.empty(logits.shape);
    dev.backend.moeGatesBackward(dl.buf, g.buf, gates.buf, picks.buf, logits.buf, N, E, k, mode);
    return [dl];
  }));
  record(probs, node("moeRoute.probs", [logits], [], (g) => {
    const dl = dev.empty(logits.shape);
    dev.backend.moeProbsBackward(dl.buf, g.buf, probs.buf, logits.buf, N, E, mode);
    return [dl];
  }));
  return { gates, experts, probs };
}

/**
 * experts i32 (N,k) -> rowOf i32 (E*capacity), slotOf i32 (N,k), counts i32 (E): each expert takes its first
 * `capacity` assignments in (n, j) order (a token earlier in the batch wins a slot); the rest are dropped (slotOf
 * -1; their number is sum(max(0, counts - capacity))). Ids outside [0,E) are dropped and not counted. Deterministic.
 */
export function moeDispatch(experts: Tensor, E: number, capacity: number): MoeDispatch {
  expectDtype("moeDispatch", experts, "i32");
  expectRank("moeDispatch", experts, 2);
  positiveInt("moeDispatch", "E", E, "pass the number of experts");
  positiveInt("moeDispatch", "capacity", capacity, "pass the slots per expert, e.g. ceil(N*k/E * 1.25)", 0);
  const [N, k] = experts.shape;
  const dev = experts.device;
  const rowOf = dev.empty([E * capacity], "i32", { name: "moe.rowOf" });
  const slotOf = dev.empty([N, k], "i32", { name: "moe.slotOf" });
  const counts = dev.empty([E], "i32", { name: "moe.counts" });
  dev.backend.moeDispatch(rowOf.buf, slotOf.buf, counts.buf, experts.buf, N, k, E, capacity);
  return { rowOf, slotOf, counts };
}

/**
 * x (N,C), rowOf i32 (M) (or any shape) -> (M,C) (rowOf's shape, C): row m is x[rowOf[m]], a zero row where rowOf
 * is outside [0,N) (an empty slot's -1). Backward: dx[n] = sum of the gradients of the rows gathered from n, in
 * increasing m (deterministic, no float atomics).
 */
export function moeGather(x: Tensor, rowOf: Tensor): Tensor {
  expectDtype("moeGather", x, "f32");
  expectDtype("moeGather", rowOf, "i32");
  expectRank("moeGather", x, 2);
  const [N, C] = x.shape;
  const M = rowOf.size;
  const dev = x.device;
  const out = dev.empty([...rowOf.shape, C], "f32", { name: "moeGather" });
  dev.backend.moeGather(out.buf, x.buf, rowOf.buf, M, N, C);
  if (!needsGrad(x)) return out;
  return record(out, node("moeGather", [x], [], (g) => {
    const dx = gradOutput(x);
    dev.backend.moeGatherBackward(dx.buf, g.buf, rowOf.buf, M, N, C);
    return [dx];
  }));
}

/**
 * x (E,R,I) · w (E,I,O) [+ bias (E,O)] -> (E,R,O): expert e's rows times its own weight, all experts in one
 * batched dispatch. Backward: dx (E,R,I), dw (E,I,O), dbias (E,O).
 */
export function groupedMatmul(x: Tensor, w: Tensor, opts: GroupedMatmulOptions = {}): Tensor {
  expectDtype("groupedMatmul", x, "f32");
  expectDtype("groupedMatmul", w, "f32");
  expectRank("groupedMatmul", x, 3);
  expectRank("groupedMatmul", w, 3);
  const [E, R, I] = x.shape;
  const O = w.shape[2];
  if (w.shape[0] !== E || w.shape[1] !== I)
    throw new ShapeError("groupedMatmul", `${fmt(w)} does not fit ${fmt(x)}: expected (${E},${I},O)`, "w holds one (I,O) matrix per expert, in x's expert order");
  const bias = opts.bias ?? null;
  if (bias) {
    expectDtype("groupedMatmul", bias, "f32");
    if (!sameShape(bias.shape, [E, O])) throw new ShapeError("groupedMatmul", `bias ${fmt(bias)} must be (${E},${O})`, "bias holds one (O) row per expert");
  }
  const d: GroupedDims = { E, R, I, O };
  const dev = x.device;
  const out = dev.empty([E, R, O], "f32", { name: "groupedMatmul" });
  dev.backend.groupedMatmul(out.buf, x.buf, w.buf, bias?.buf ?? null, d);
  if (!needsGrad(x, w, bias)) return out;
  return record(out, node("groupedMatmul", bias ? [x, w, bias] : [x, w], [], (g) => {
    const dx = x.requiresGrad ? dev.empty(x.shape, "f32", { name: "d" + x.name }) : null;
    const dw = w.requiresGrad ? gradOutput(w) : null;
    const db = bias?.requiresGrad ? gradOutput(bias) : null;
    dev.backend.groupedMatmulBackward(dx?.buf ?? null, dw?.buf ?? null, db?.buf ?? null, g.buf, x.buf, w.buf, d);
    return bias ? [dx, dw, db] : [dx, dw];
  }));
}

/**
 * y (S,C), slotOf i32 (N,k), gates (N,k) -> (N,C): out[n] = sum over j of gates[n,j] · y[slotOf[n,j]], a dropped
 * assignment (slot outside [0,S)) adding nothing. Backward: dy[s] = sum of gates·dout over the assignments of slot
 * s (deterministic), dgates[n,j] = dout[n] · y[slotOf[n,j]].
 */
export function moeCombine(y: Tensor, slotOf: Tensor, gates: Tensor): Tensor {
  expectDtype("moeCombine", y, "f32");
  expectDtype("moeCombine", slotOf, "i32");
  expectDtype("moeCombine", gates, "f32");
  expectRank("moeCombine", y, 2);
  expectRank("moeCombine", slotOf, 2);
  if (!sameShape(gates.shape, slotOf.shape)) throw new ShapeError("moeCombine", `${fmt(gates)} does not match ${fmt(slotOf)}`, "pass moeRoute's gates with moeDispatch's slotOf, both (N,k)");
  const [S, C] = y.shape;
  const [N, k] = slotOf.shape;
  const dev = y.device;
  const out = dev.empty([N, C], "f32", { name: "moeCombine" });
  dev.backend.moeCombine(out.buf, y.buf, slotOf.buf, gates.buf, N, k, S, C);
  if (!needsGrad(y, gates)) return out;
  return record(out, node("moeCombine", [y, gates], [], (g) => {
    const dy = y.requiresGrad ? dev.empty(y.shape, "f32", { name: "d" + y.name }) : null;
    const dg = gates.requiresGrad ? dev.empty(gates.shape, "f32", { name: "d" + gates.name }) : null;
    dev.backend.moeCombineBackward(dy?.buf ?? null, dg?.buf ?? null, g.buf, y.buf, slotOf.buf, gates.buf, N, k, S, C);
    return [dy, dg];
  }));
}
