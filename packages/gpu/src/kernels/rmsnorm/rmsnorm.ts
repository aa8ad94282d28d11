// WebGPU dispatch of RMSNorm forward/backward.
import { type GpuBuf, packParams, type Runtime } from "../../runtime.ts";
import { grid1d } from "../grid.ts";
import code from "./rmsnorm.wgsl" with { type: "text" };
import bwdCode from "./rmsnorm-backward.wgsl" with { type: "text" };

export function rmsNormForward(rt: Runtime, out: GpuBuf, rstd: GpuBuf, x: GpuBuf, w: GpuBuf, N: number, C: number, eps: number): void {
  rt.dispatch({ name: "rmsnorm.forward", code }, [out, rstd, x, w], packParams([["u", N], ["u", C], ["f", eps]]), grid1d(N, 64));
}

export function rmsNormBackward(rt: Runtime, dx: GpuBuf, dw: GpuBuf, dout: GpuBuf, x: GpuBuf, w: GpuBuf, rstd: GpuBuf, N: number, C: number): void {
  const params = packParams([["u", N], ["u", C]]);
  rt.dispatch({ name: "rmsnorm.backward.dx", code: bwdCode, constants: { OP: 0 } }, [dx, rt.dummy(0), dout, x, w, rstd], params, grid1d(N, 64));
  rt.dispatch({ name: "rmsnorm.backward.dw", code: bwdCode, constants: { OP: 1 } }, [rt.dummy(0), dw, dout, x, w, rstd], params, grid1d(C, 64));
}
