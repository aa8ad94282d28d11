// WebGPU dispatch of counter-based dropout (forward and backward regenerate the same mask).
import { dropThreshold } from "../../rng.ts";
import { type GpuBuf, packParams, type Runtime } from "../../runtime.ts";
import { grid1d } from "../grid.ts";
import code from "./dropout.wgsl" with { type: "text" };

export function dropoutForward(rt: Runtime, out: GpuBuf, x: GpuBuf, n: number, p: number, seed: number): void {
  const params = packParams([["u", n], ["u", seed], ["u", dropThreshold(p)], ["f", p >= 1 ? 0 : 1 / (1 - p)]]);
  rt.dispatch({ name: "dropout", code }, [out, x], params, grid1d(n, 256));
}
export function dropoutBackward(rt: Runtime, dx: GpuBuf, dout: GpuBuf, n: number, p: number, seed: number): void {
  dropoutForward(rt, dx, dout, n, p, seed);
}
