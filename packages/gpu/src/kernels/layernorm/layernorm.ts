// WebGPU dispatch of LayerNorm forward/backward (same signatures as reference.ts, runtime first).
import { type GpuBuf, packParams, type Runtime } from "../../runtime.ts";
import { grid1d } from "../grid.ts";
import code from "./layernorm.wgsl" with { type: "text" };
import bwdCode from "./layernorm-backward.wgsl" with { type: "text" };

export function layerNormForward(rt: Runtime, out: GpuBuf, mean: GpuBuf, rstd: GpuBuf, x: GpuBuf, w: GpuBuf, b: GpuBuf, N: number, C: number, eps: number): void {
  rt.dispatch({ name: "layernorm.forward", code }, [out, mean, rstd, x, w, b], packParams([["u", N], ["u", C], ["f", eps]]), grid1d(N, 64));
}

/** accumulate: dx += the gradient (dw and db are always overwritten). */
export function layerNormBackward(
  rt: Runtime, dx: GpuBuf, dw: GpuBuf, db: GpuBuf, dout: GpuBuf, x: GpuBuf, w: GpuBuf, mean: GpuBuf, rstd: GpuBuf, N: number, C: number, accumulate = false,
): void {
  const params = packParams([["u", N], ["u", C], ["u", accumulate ? 1 : 0]]);
  rt.dispatch({ name: "layernorm.backward.dx", code: bwdCode, constants: { OP: 0 } }, [dx, rt.dummy(0), rt.dummy(1), dout, x, w, mean, rstd], params, grid1d(N, 64));
  rt.dispatch({ name: "layernorm.backward.dw", code: bwdCode, constants: { OP: 1 } }, [rt.dummy(0), dw, db, dout, x, w, mean, rstd], params, grid1d(C, 64));
}
