// WebGPU dispatch of row scaling x (N,D) by s (N) and its backward. Dimension letters: N rows, D row length.
// Forward and dx: one invocation per element (rowscale.wgsl); ds: one 64-lane workgroup per row (rowdot.wgsl).
import { type GpuBuf, packParams, type Runtime } from "../../runtime.ts";
import { grid1d } from "../grid.ts";
import code from "./rowscale.wgsl" with { type: "text" };
import dotCode from "./rowdot.wgsl" with { type: "text" };

/** Lanes per row in rowdot.wgsl (its WG). */
const WG = 64;

/** out (N,D) = s[n] * x[n,:]; see reference.ts. */
export function rowScaleForward(rt: Runtime, out: GpuBuf, x: GpuBuf, s: GpuBuf, N: number, D: number): void {
  rt.dispatch({ name: "rowscale.forward", code }, [out, x, s], packParams([["u", N], ["u", D]]), grid1d(N * D, 256));
}

/** dx (N,D) = s[n] * dout[n,:] and ds (N) = rows of dout · x, each overwritten when given. */
export function rowScaleBackward(rt: Runtime, dx: GpuBuf | null, ds: GpuBuf | null, dout: GpuBuf, x: GpuBuf, s: GpuBuf, N: number, D: number): void {
  if (dx) rowScaleForward(rt, dx, dout, s, N, D);
  if (ds) rt.dispatch({ name: "rowscale.rowdot", code: dotCode }, [ds, dout, x], packParams([["u", N], ["u", D]]), grid1d(N * WG, WG));
}
