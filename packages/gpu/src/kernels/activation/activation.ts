// WebGPU dispatch of GELU / SiLU / SwiGLU forward and backward.
import { type GpuBuf, packParams, type Runtime } from "../../runtime.ts";
import { grid1d } from "../grid.ts";
import code from "./activation.wgsl" with { type: "text" };

const NAMES = ["gelu", "gelu.backward", "silu", "silu.backward", "swiglu", "swiglu.backward"];
function act(rt: Runtime, op: number, o0: GpuBuf, o1: GpuBuf, x: GpuBuf, y: GpuBuf, g: GpuBuf, n: number): void {
  rt.dispatch({ name: `activation.${NAMES[op]}`, code, constants: { OP: op } }, [o0, o1, x, y, g], packParams([["u", n]]), grid1d(n, 256));
}

export function geluForward(rt: Runtime, out: GpuBuf, x: GpuBuf, n: number): void {
  act(rt, 0, out, rt.dummy(0), x, rt.dummy(1), rt.dummy(2), n);
}
export function geluBackward(rt: Runtime, dx: GpuBuf, dout: GpuBuf, x: GpuBuf, n: number): void {
  act(rt, 1, dx, rt.dummy(0), x, rt.dummy(1), dout, n);
}
export function siluForward(rt: Runtime, out: GpuBuf, x: GpuBuf, n: number): void {
  act(rt, 2, out, rt.dummy(0), x, rt.dummy(1), rt.dummy(2), n);
}
export function siluBackward(rt: Runtime, dx: GpuBuf, dout: GpuBuf, x: GpuBuf, n: number): void {
  act(rt, 3, dx, rt.dummy(0), x, rt.dummy(1), dout, n);
}
export function swigluForward(rt: Runtime, out: GpuBuf, gate: GpuBuf, up: GpuBuf, n: number): void {
  act(rt, 4, out, rt.dummy(0), gate, up, rt.dummy(1), n);
}
export function swigluBackward(rt: Runtime, dgate: GpuBuf, dup: GpuBuf, dout: GpuBuf, gate: GpuBuf, up: GpuBuf, n: number): void {
  act(rt, 5, dgate, dup, gate, up, dout, n);
}
