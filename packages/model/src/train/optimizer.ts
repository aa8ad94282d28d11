// AdamW with the usual two groups: weight decay on matmul weights, none on biases, norm gains and embeddings.
// Wraps @lathe/gpu's fused adamw; the moments are exposed for checkpoints. The params are packed into one device
// buffer by group (flattenParams), so an update is one dispatch per group and the grad norm one reduction.
// Params with another lr multiplier (Param.lrScale: µP's hidden weights) get a buffer and an adamw call of their
// own at lr × lrScale, with weight decay / lrScale so that lr·wd per step stays (microsoft/mup's MuAdamW). When
// every lrScale is 1 there is one buffer, exactly as without µP.
import { adamw, adamwState, type AdamWState, arenaOf, flattenParams, gradNormSquared, ops, type Tensor } from "@lathe/gpu";
import type { Param } from "../nn/params.ts";
import type { OptimState } from "./checkpoint.ts";

export interface AdamWHyper {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
}

/** The params of one lr multiplier, their moments and per-param weight decay. */
interface LrGroup {
  readonly lrScale: number;
  readonly index: readonly number[]; // into params
  readonly tensors: readonly Tensor[];
  readonly state: AdamWState;
  readonly decay: readonly number[]; // per member
}

export class AdamW implements OptimState {
  private readonly groups: readonly LrGroup[];
  readonly m: Tensor[]; // one per param, in params' order
  readonly v: Tensor[];
  constructor(
    readonly params: readonly Param[],
    readonly hp: AdamWHyper,
  ) {
    const scales = [...new Set(params.map((p) => p.lrScale))];
    this.groups = scales.map((lrScale) => {
      const index = params.flatMap((p, i) => (p.lrScale === lrScale ? [i] : []));
      const tensors = index.map((i) => params[i].tensor);
      if (!arenaOf(tensors)) flattenParams(tensors, (k) => (params[index[k]].decay ? 0 : 1));
      const decay = index.map((i) => (params[i].decay ? hp.weightDecay / lrScale : 0));
      return { lrScale, index, tensors, state: adamwState(tensors), decay };
    });
    this.m = new Array<Tensor>(params.length);
    this.v = new Array<Tensor>(params.length);
    for (const g of this.groups)
      g.index.forEach((i, k) => {
        this.m[i] = g.state.m[k];
        this.v[i] = g.state.v[k];
      });
  }
  /** Optimizer steps done (bias correction); restored from checkpoints. */
  set stepsDone(n: number) {
    for (const g of this.groups) g.state.step = n;
  }

  /** Sum of squares of every grad on the device (one reduction per lr group), or null when none has a grad. */
  gradNormSquared(): Tensor | null {
    const parts = this.groups.map((g) => gradNormSquared(g.tensors)).filter((t): t is Tensor => t !== null);
    if (parts.length <= 1) return parts[0] ?? null;
    let total = ops.add(parts[0], parts[1]);
    for (const t of parts.slice(2)) {
      const sum = ops.add(total, t);
      total.dispose();
      total = sum;
    }
    for (const t of parts) t.dispose();
    return total;
  }

  /** One update at learning rate lr of every param with a grad; clip folds global-norm clipping into it. */
  update(lr: number, clip: { normSq: Tensor; maxNorm: number } | null = null): void {
    for (const g of this.groups)
      adamw(g.tensors, g.state, { lr: lr * g.lrScale, beta1: this.hp.beta1, beta2: this.hp.beta2, eps: this.hp.eps, weightDecay: g.decay }, clip);
  }
}
