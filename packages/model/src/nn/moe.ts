// Mixture-of-experts feed-forward (Switch / Mixtral, DeepSeekMoE's shared experts): a router scores the E experts
// for each token, the token goes to its top k, each expert (an MLP of the dense shape) runs on the rows it got, and
// the outputs come back weighted by the gates. In training each expert takes at most `capacity` rows (ceil(cf·N·k/E));
// an assignment past that is dropped and contributes nothing (the token keeps its residual). Evaluation, scoring and
// decoding use capacity N, so nothing is dropped and a token's output never depends on the rest of its batch.
// A training forward records the Switch load-balancing loss E·Σᵢ fᵢ·Pᵢ and the router z-loss mean(logsumexp²),
// weighted (lastAux, for train/aux.ts), and running sums of the per-expert fractions and the dropped rate.
// Dimension letters: N rows (tokens), C channels, F expert hidden, E experts, k top_k, M = E·cap expert rows.
import { type Device, noGrad, ops, type Tensor } from "@lathe/gpu";
import type { MoeSpec } from "../arch/types.ts";
import { moeCapacity } from "../config.ts";
import { dropout, type Fwd } from "./layers.ts";
import { type FeedForward, Mlp } from "./mlp.ts";
import type { ParamStore } from "./params.ts";

/** Running sums over the training forwards since the last read (device tensors, kept out of every tidy scope). */
export interface MoeStats {
  forwards: number;
  frac: Tensor; // (1,E) Σ over forwards of each expert's share of the assignments
  balance: Tensor; // [] Σ E·Σᵢ fᵢ·Pᵢ (1 when balanced), unweighted
  z: Tensor; // [] Σ mean(logsumexp(logits)²), unweighted
  dropped: Tensor; // [] Σ dropped assignments / (N·k)
}

export class MoeMlp implements FeedForward {
  readonly router: Tensor; // (C,E)
  readonly wFc: Tensor; // (E,C,F); swiglu: the gate
  readonly bFc: Tensor | null; // (E,F)
  readonly wUp: Tensor | null; // (E,C,F), swiglu only
  readonly bUp: Tensor | null; // (E,F)
  readonly wProj: Tensor; // (E,F,C)
  readonly bProj: Tensor | null; // (E,C)
  readonly shared: Mlp | null;
  private readonly eye: Tensor; // (E,E) constant: rows of it are the one-hot assignments
  private readonly first: Tensor; // (E,1) constant: picks the router's logit of expert 0
  private readonly ones: Tensor; // (E,1) constant: sums a row
  /** The weighted auxiliary loss of the latest training forward (aux_loss·balance + z_loss·z), on its tape; else null. */
  lastAux: Tensor | null = null;
  stats: MoeStats | null = null;

  constructor(
    ps: ParamStore,
    readonly spec: MoeSpec,
  ) {
    this.router = ps.take(spec.gate.weight);
    this.wFc = ps.take(spec.fc.weight);
    this.bFc = ps.maybe(spec.fc.bias);
    this.wUp = spec.up ? ps.take(spec.up.weight) : null;
    this.bUp = spec.up ? ps.maybe(spec.up.bias) : null;
    this.wProj = ps.take(spec.proj.weight);
    this.bProj = ps.maybe(spec.proj.bias);
    this.shared = spec.shared ? new Mlp(ps, spec.shared) : null;
    const E = spec.experts;
    const dev = ps.dev;
    // Constants, not parameters; kept so that no tidy() scope open around model construction disposes them.
    this.eye = dev.keep(dev.tensor(Float32Array.from({ length: E * E }, (_, i) => (i % (E + 1) === 0 ? 1 : 0)), [E, E], { name: `${spec.name}.eye` }));
    this.ones = dev.keep(dev.full([E, 1], 1, "f32", { name: `${spec.name}.ones` }));
    this.first = dev.keep(dev.tensor(Float32Array.from({ length: E }, (_, i) => (i === 0 ? 1 : 0)), [E, 1], { name: `${spec.name}.first` }));
  }

  forward(x: Tensor /* (..., C) */, f: Fwd, residual: Tensor | null = null): Tensor /* (..., C) */ {
    const { experts: E, topK: k, C } = this.spec;
    const N = x.size / C;
    const xf = ops.reshape(x, [N, C]); // (N,C)
    const logits = ops.matmul(xf, this.router); // (N,E)
    const route = ops.moeRoute(logits, k, this.spec.router); // gates (N,k), experts i32 (N,k), probs (N,E)
    const { experts, probs } = route;
    // Each assignment as a one-hot row over the experts: for the gate of top_k 1 and the balance loss.
    const onehot = k === 1 || f.train ? ops.reshape(ops.embedding(experts, this.eye), [N * k, E]) : null; // (N·k,E)
    // top_k 1: the gate is the expert's probability itself (Switch Transformer). Renormalized over one expert it
    // would be 1, and the router would learn from the auxiliary losses only.
    const gates = k === 1 ? ops.matmul(ops.mul(onehot!, probs), this.ones) : route.gates; // (N,k)
    const cap = f.train ? moeCapacity(this.spec.capacityFactor, N, k, E) : N;
    const { rowOf, slotOf } = ops.moeDispatch(experts, E, cap); // i32 (M), i32 (N,k)
    const xe = ops.reshape(ops.moeGather(xf, rowOf), [E, cap, C]); // (E,cap,C), empty slots zero
    const pre = ops.groupedMatmul(xe, this.wFc, { bias: this.bFc }); // (E,cap,F)
    const h = this.wUp ? ops.swiglu(pre, ops.groupedMatmul(xe, this.wUp, { bias: this.bUp })) : ops.gelu(pre); // (E,cap,F)
    const ye = ops.reshape(ops.groupedMatmul(h, this.wProj, { bias: this.bProj }), [E * cap, C]); // (M,C)
    let y = ops.moeCombine(ye, slotOf, gates); // (N,C): Σ over a token's kept assignments of gate · expert output
    if (this.shared) y = this.shared.forward(xf, f, y); // + the shared experts, ungated
    this.lastAux = null;
    if (f.train) this.record(xf.device, logits, probs, onehot!, rowOf, N);
    const out = dropout(ops.reshape(y, x.shape), this.spec.dropout, f); // (..., C)
    return residual ? ops.add(residual, out) : out;
  }

  /** The auxiliary losses of this forward (lastAux) and the running statistics. */
  private record(dev: Device, logits: Tensor /* (N,E) */, probs: Tensor /* (N,E) */, onehot: Tensor /* (N·k,E) */, rowOf: Tensor /* i32 (M) */, N: number): void {
    const { experts: E, topK: k } = this.spec;
    // Switch: E·Σᵢ fᵢ·Pᵢ, f the share of assignments per expert (no gradient), P the mean router probability.
    const frac = ops.matmul(dev.full([1, N * k], 1 / (N * k)), onehot); // (1,E)
    const meanP = ops.matmul(dev.full([1, N], 1 / N), probs); // (1,E)
    const balance = ops.scale(ops.sum(ops.mul(frac, meanP)), E); // []
    // z-loss: logsumexp of a row = its logit of expert 0 − log p(expert 0) (tokenLogprobs is the stable log-softmax).
    const lse = ops.add(ops.reshape(ops.matmul(logits, this.first), [N]), ops.scale(ops.tokenLogprobs(logits, dev.zeros([N], "i32")), -1)); // (N)
    const z = ops.mean(ops.mul(lse, lse)); // []
    const { auxLoss: a, zLoss: zw } = this.spec;
    this.lastAux = a > 0 && zw > 0 ? ops.add(ops.scale(balance, a), ops.scale(z, zw)) : a > 0 ? ops.scale(balance, a) : zw > 0 ? ops.scale(z, zw) : null;
    noGrad(() => {
      const kept = ops.sum(ops.moeGather(dev.full([N, 1], 1), rowOf)); // [] filled slots
      const dropped = ops.scale(ops.add(kept, dev.full([], -N * k)), -1 / (N * k)); // [] (N·k − kept) / (N·k)
      const s = this.stats;
      const acc = (old: Tensor | undefined, v: Tensor): Tensor => {
        const next = dev.keep(old ? ops.add(old, v) : ops.scale(v, 1));
        old?.dispose();
        return next;
      };
      this.stats = { forwards: (s?.forwards ?? 0) + 1, frac: acc(s?.frac, frac), balance: acc(s?.balance, balance), z: acc(s?.z, z), dropped: acc(s?.dropped, dropped) };
    });
  }

  /** Take the running statistics (the caller disposes them); null when no training forward ran since the last take. */
  takeStats(): MoeStats | null {
    const s = this.stats;
    this.stats = null;
    return s;
  }
}
