// A reward model's scalar head: a linear map from the trunk's hidden state at each sequence's last real token to
// one number. Its params live in the model's ParamStore ("reward_head.weight" (W,1), "reward_head.bias" (1)), so
// they train and save with the trunk. Dimension letters: B sequences, T positions, N = B·T, W hidden width.
import { ops, ShapeError, type Tensor } from "@lathe/gpu";
import type { Fwd } from "../../nn/layers.ts";
import type { LanguageModel } from "../../nn/model.ts";
import type { ParamStore } from "../../nn/params.ts";

export class RewardHead {
  readonly weight: Tensor; // (W,1)
  readonly bias: Tensor; // (1)
  private readonly eyes = new Map<number, Tensor>(); // T → (T,T) identity, rows are the one-hot picks

  /** Weight init N(0, 1/(W+1)) as TRL's value heads; bias 0, so untrained rewards are small and centred. */
  constructor(
    private readonly ps: ParamStore,
    readonly width: number,
  ) {
    ps.declare([
      { name: "reward_head.weight", shape: [width, 1], init: { normal: 1 / Math.sqrt(width + 1) }, decay: true, lrScale: 1 },
      { name: "reward_head.bias", shape: [1], init: "zeros", decay: false, lrScale: 1 },
    ]);
    this.weight = ps.take("reward_head.weight");
    this.bias = ps.take("reward_head.bias");
  }

  /**
   * (B) rewards from the hidden state at position last[b] of each sequence (its last real token; later positions
   * are padding, which a causal trunk's state at last[b] never sees). last must lie in [0,T).
   */
  score(model: LanguageModel, ids: Tensor /* (B,T) i32 */, last: Tensor /* (B) i32 */, f: Fwd): Tensor /* (B) */ {
    const [B, T] = ids.shape;
    const W = this.width;
    if (model.width !== W) throw new ShapeError("RewardHead.score", `the model's hidden width is ${model.width} but the head reads ${W}`, "build the head with new RewardHead(model.params, model.width)");
    if (last.shape.length !== 1 || last.shape[0] !== B || last.dtype !== "i32")
      throw new ShapeError("RewardHead.score", `last is [${last.shape.join(",")}] ${last.dtype} for ${B} sequences`, `pass last as an i32 tensor of shape [${B}]`);
    const h = ops.reshape(model.hidden(ids, f), [B, T, W]); // (B,T,W)
    const pick = ops.reshape(ops.embedding(last, this.eye(T)), [B, 1, T]); // (B,1,T) one-hot at last[b]
    const hl = ops.reshape(ops.matmul(pick, h), [B, W]); // (B,W) = h[b, last[b], :]
    return ops.reshape(ops.matmul(hl, this.weight, { bias: this.bias }), [B]); // (B)
  }

  /** The (T,T) identity, made once per T and kept out of every tidy scope. */
  private eye(T: number): Tensor {
    let e = this.eyes.get(T);
    if (!e) {
      const data = new Float32Array(T * T);
      for (let t = 0; t < T; t++) data[t * T + t] = 1;
      e = this.ps.dev.keep(this.ps.dev.tensor(data, [T, T], { name: "reward_head.eye" }));
      this.eyes.set(T, e);
    }
    return e;
  }
}
