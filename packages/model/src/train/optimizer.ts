// AdamW with the usual two groups: weight decay on matmul weights, none on biases, norm gains and embeddings.
// Wraps @lathe/gpu's fused adamw; the moments are exposed for checkpoints. The params are packed into one device
// buffer by group (flattenParams), so an update is one dispatch per group and the grad norm one reduction.
import { adamw, adamwState, type AdamWState, arenaOf, flattenParams, type Tensor } from "@lathe/gpu";
import type { Param } from "../nn/params.ts";
import type { OptimState } from "./checkpoint.ts";

export interface AdamWHyper {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
}

export class AdamW implements OptimState {
  readonly state: AdamWState;
  private readonly decay: number[]; // per param
  constructor(
    readonly params: readonly Param[],
    readonly hp: AdamWHyper,
  ) {
    const tensors = params.map((p) => p.tensor);
    if (!arenaOf(tensors)) flattenParams(tensors, (i) => (params[i].decay ? 0 : 1));
    this.state = adamwState(tensors);
    this.decay = params.map((p) => (p.decay ? hp.weightDecay : 0));
  }
  get m() {
    return this.state.m;
  }
  get v() {
    return this.state.v;
  }
  /** Optimizer steps done (bias correction); restored from checkpoints. */
  set stepsDone(n: number) {
    this.state.step = n;
  }

  /** One update at learning rate lr of every param with a grad; clip folds global-norm clipping into it. */
  update(lr: number, clip: { normSq: Tensor; maxNorm: number } | null = null): void {
    adamw(
      this.params.map((p) => p.tensor),
      this.state,
      { lr, beta1: this.hp.beta1, beta2: this.hp.beta2, eps: this.hp.eps, weightDecay: this.decay },
      clip,
    );
  }
}
