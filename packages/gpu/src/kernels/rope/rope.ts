// WebGPU dispatch of rotary embedding over packed qkv (B,T,3C).
import { type GpuBuf, packParams, type Runtime } from "../../runtime.ts";
import type { HeadDims } from "../../types.ts";
import { grid1d } from "../grid.ts";
import code from "./rope.wgsl" with { type: "text" };

function rope(rt: Runtime, out: GpuBuf, x: GpuBuf, d: HeadDims, base: number, sgn: number): void {
  const params = packParams([["u", d.B], ["u", d.T], ["u", d.C], ["u", d.nHead], ["f", base], ["f", sgn]]);
  rt.dispatch({ name: sgn > 0 ? "rope.forward" : "rope.backward", code }, [out, x], params, grid1d(d.B * d.T * 3 * d.C, 256));
}
export function ropeForward(rt: Runtime, out: GpuBuf, qkv: GpuBuf, d: HeadDims, base: number): void {
  rope(rt, out, qkv, d, base, 1);
}
export function ropeBackward(rt: Runtime, dqkv: GpuBuf, dout: GpuBuf, d: HeadDims, base: number): void {
  rope(rt, dqkv, dout, d, base, -1);
}
