// WebGPU dispatch of the elementwise kernels (same signatures as reference.ts, with the runtime first).
import { type GpuBuf, packParams, type Runtime } from "../../runtime.ts";
import { grid1d } from "../grid.ts";
import code from "./elementwise.wgsl" with { type: "text" };
import sumRowsCode from "./sum-rows.wgsl" with { type: "text" };

function ew(rt: Runtime, op: number, out: GpuBuf, a: GpuBuf, b: GpuBuf, n: number, nb: number, s: number, u = 0): void {
  const names = ["add", "mul", "scale", "accumulate", "fill", "scaleInPlace", "fillBits"];
  rt.dispatch({ name: `elementwise.${names[op]}`, code, constants: { OP: op } }, [out, a, b], packParams([["u", n], ["u", nb], ["f", s], ["u", u]]), grid1d(n, 256));
}

export function addForward(rt: Runtime, out: GpuBuf, a: GpuBuf, b: GpuBuf, n: number, nb: number): void {
  ew(rt, 0, out, a, b, n, nb, 0);
}
export function mulForward(rt: Runtime, out: GpuBuf, a: GpuBuf, b: GpuBuf, n: number, nb: number): void {
  ew(rt, 1, out, a, b, n, nb, 0);
}
/** out = a * s; out may alias a. */
export function scaleForward(rt: Runtime, out: GpuBuf, a: GpuBuf, s: number, n: number): void {
  if (out === a) ew(rt, 5, out, rt.dummy(0), rt.dummy(1), n, 1, s);
  else ew(rt, 2, out, a, rt.dummy(0), n, 1, s);
}
/** dst += src. */
export function accumulate(rt: Runtime, dst: GpuBuf, src: GpuBuf, n: number): void {
  ew(rt, 3, dst, rt.dummy(0), src, n, n, 0);
}
/** out = value (as f32, or as the bits of an i32 when int). */
export function fill(rt: Runtime, out: GpuBuf, value: number, n: number, int = false): void {
  if (int) ew(rt, 6, out, rt.dummy(0), rt.dummy(1), n, 1, 0, value | 0);
  else ew(rt, 4, out, rt.dummy(0), rt.dummy(1), n, 1, value);
}
/** out[c] = sum over rows of x[r, c]. */
export function sumRows(rt: Runtime, out: GpuBuf, x: GpuBuf, rows: number, cols: number): void {
  rt.dispatch({ name: "elementwise.sumRows", code: sumRowsCode }, [out, x], packParams([["u", rows], ["u", cols]]), grid1d(cols, 64));
}
