// WebGPU dispatch of the deterministic full reductions (one workgroup, fixed tree order).
import { type GpuBuf, packParams, type Runtime } from "../../runtime.ts";
import code from "./reduce.wgsl" with { type: "text" };

function reduce(rt: Runtime, op: number, name: string, out: GpuBuf, outIndex: number, x: GpuBuf, n: number): void {
  rt.dispatch({ name: `reduce.${name}`, code, constants: { OP: op } }, [out, x], packParams([["u", n], ["u", outIndex]]), [1]);
}
export function sum(rt: Runtime, out: GpuBuf, x: GpuBuf, n: number): void {
  reduce(rt, 0, "sum", out, 0, x, n);
}
export function max(rt: Runtime, out: GpuBuf, x: GpuBuf, n: number): void {
  reduce(rt, 1, "max", out, 0, x, n);
}
export function sumSquares(rt: Runtime, out: GpuBuf, outIndex: number, x: GpuBuf, n: number): void {
  reduce(rt, 2, "sumSquares", out, outIndex, x, n);
}
