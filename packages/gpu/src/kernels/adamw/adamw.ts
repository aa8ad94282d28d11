// WebGPU dispatch of the fused AdamW update.
import { type GpuBuf, packParams, type Runtime } from "../../runtime.ts";
import type { AdamWParams } from "../../types.ts";
import { grid1d } from "../grid.ts";
import code from "./adamw.wgsl" with { type: "text" };

export function adamw(rt: Runtime, p: GpuBuf, g: GpuBuf, m: GpuBuf, v: GpuBuf, n: number, hp: AdamWParams): void {
  const params = packParams([
    ["u", n], ["f", hp.lr], ["f", hp.beta1], ["f", hp.beta2], ["f", hp.eps], ["f", hp.weightDecay],
    ["f", 1 - Math.pow(hp.beta1, hp.step)], ["f", 1 - Math.pow(hp.beta2, hp.step)],
  ]);
  rt.dispatch({ name: "adamw", code }, [p, m, v, g], params, grid1d(n, 256));
}
