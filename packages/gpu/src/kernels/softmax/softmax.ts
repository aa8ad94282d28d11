// WebGPU dispatch of softmax forward/backward over the last dim.
import { type GpuBuf, packParams, type Runtime } from "../../runtime.ts";
import { grid1d } from "../grid.ts";
import code from "./softmax.wgsl" with { type: "text" };

export function softmaxForward(rt: Runtime, out: GpuBuf, x: GpuBuf, N: number, C: number): void {
  rt.dispatch({ name: "softmax.forward", code, constants: { OP: 0 } }, [out, x, rt.dummy(0)], packParams([["u", N], ["u", C]]), grid1d(N, 64));
}
export function softmaxBackward(rt: Runtime, dx: GpuBuf, dout: GpuBuf, y: GpuBuf, N: number, C: number): void {
  rt.dispatch({ name: "softmax.backward", code, constants: { OP: 1 } }, [dx, y, dout], packParams([["u", N], ["u", C]]), grid1d(N, 64));
}
