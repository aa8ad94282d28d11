// WebGPU dispatch of fused softmax + cross-entropy: per-row forward, deterministic mean, backward.
import { type GpuBuf, packParams, type Runtime } from "../../runtime.ts";
import { grid1d } from "../grid.ts";
import code from "./crossentropy.wgsl" with { type: "text" };
import meanCode from "./crossentropy-mean.wgsl" with { type: "text" };
import bwdCode from "./crossentropy-backward.wgsl" with { type: "text" };

export function crossEntropyForward(
  rt: Runtime, losses: GpuBuf, weights: GpuBuf, lse: GpuBuf, logits: GpuBuf, targets: GpuBuf, mask: GpuBuf | null, N: number, V: number, ignoreIndex: number,
): void {
  const params = packParams([["u", N], ["u", V], ["i", ignoreIndex], ["u", mask ? 1 : 0]]);
  rt.dispatch({ name: "crossentropy.forward", code }, [losses, weights, lse, logits, targets, mask ?? rt.dummy(0)], params, grid1d(N, 64));
}
export function crossEntropyMean(rt: Runtime, out: GpuBuf, denom: GpuBuf, losses: GpuBuf, weights: GpuBuf, N: number): void {
  rt.dispatch({ name: "crossentropy.mean", code: meanCode }, [out, denom, losses, weights], packParams([["u", N]]), [1]);
}
export function crossEntropyBackward(
  rt: Runtime, dlogits: GpuBuf, dloss: GpuBuf, denom: GpuBuf, logits: GpuBuf, lse: GpuBuf, targets: GpuBuf, weights: GpuBuf, N: number, V: number,
): void {
  rt.dispatch({ name: "crossentropy.backward", code: bwdCode }, [dlogits, dloss, denom, logits, lse, targets, weights], packParams([["u", N], ["u", V]]), grid1d(N * V, 256));
}
