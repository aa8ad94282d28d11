// WebGPU dispatch of token log-probabilities (log-softmax gathered at the targets, with the argmax flag) and its
// backward. Dimension letters: N rows, V vocab. Forward: one workgroup per row; backward: one invocation per logit.
import { type GpuBuf, packParams, type Runtime } from "../../runtime.ts";
import { grid1d } from "../grid.ts";
import code from "./logprobs.wgsl" with { type: "text" };
import bwdCode from "./logprobs-backward.wgsl" with { type: "text" };

/** Lanes per row in logprobs.wgsl (its WG). */
const WG = 64;

/** logp (N), lse (N), greedy i32 (N) from logits (N,V) and targets i32 (N); see reference.ts. */
export function tokenLogprobsForward(rt: Runtime, logp: GpuBuf, lse: GpuBuf, greedy: GpuBuf, logits: GpuBuf, targets: GpuBuf, N: number, V: number): void {
  rt.dispatch({ name: "logprobs.forward", code }, [logp, lse, greedy, logits, targets], packParams([["u", N], ["u", V]]), grid1d(N * WG, WG));
}

/** dlogits (N,V) = dlogp[n] * (onehot(target) - softmax), overwritten. */
export function tokenLogprobsBackward(rt: Runtime, dlogits: GpuBuf, dlogp: GpuBuf, logits: GpuBuf, lse: GpuBuf, targets: GpuBuf, N: number, V: number): void {
  rt.dispatch({ name: "logprobs.backward", code: bwdCode }, [dlogits, dlogp, logits, lse, targets], packParams([["u", N], ["u", V]]), grid1d(N * V, 256));
}
