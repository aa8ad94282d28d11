// WebGPU dispatch of the fused AdamW update.
import { type GpuBuf, packParams, type Runtime } from "../../runtime.ts";
import type { AdamWClip, AdamWParams } from "../../types.ts";
import { grid1d } from "../grid.ts";
import code from "./adamw.wgsl" with { type: "text" };

const zeros = new WeakMap<Runtime, GpuBuf>();

/** clip: a 1-element buffer with the sum of squares of all grads, and the norm to clip to; null: no clipping. */
export function adamw(rt: Runtime, p: GpuBuf, g: GpuBuf, m: GpuBuf, v: GpuBuf, n: number, hp: AdamWParams, clip: AdamWClip<GpuBuf> | null = null): void {
  let gn = clip?.normSq;
  if (!gn) {
    gn = zeros.get(rt);
    if (!gn) {
      gn = rt.alloc(4, "adamw zero norm");
      rt.write(gn, new Float32Array(1));
      zeros.set(rt, gn);
    }
  }
  const params = packParams([
    ["u", n], ["f", hp.lr], ["f", hp.beta1], ["f", hp.beta2], ["f", hp.eps], ["f", hp.weightDecay],
    ["f", 1 - Math.pow(hp.beta1, hp.step)], ["f", 1 - Math.pow(hp.beta2, hp.step)],
    ["f", clip ? Math.min(clip.maxNorm, 3e38) : 3e38], ["u", 0], ["u", 0], ["u", 0],
  ]);
  rt.dispatch({ name: "adamw", code }, [p, m, v, g, gn], params, grid1d(n, 256));
}
