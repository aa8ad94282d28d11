// WebGPU dispatch of the deterministic full reductions: up to 256 workgroups of fixed contiguous chunks, then one
// workgroup over their parts (one pass when n is small).
import { type GpuBuf, packParams, type Runtime } from "../../runtime.ts";
import code from "./reduce.wgsl" with { type: "text" };

/** Elements per workgroup in pass 1: at least 4096, and at most 256 workgroups. */
function chunking(n: number): { chunk: number; groups: number } {
  const chunk = Math.max(4096, Math.ceil(n / 256 / 256) * 256);
  return { chunk, groups: Math.max(1, Math.ceil(n / chunk)) };
}

function reduce(rt: Runtime, op: number, name: string, out: GpuBuf, outIndex: number, x: GpuBuf, n: number): void {
  const { chunk, groups } = chunking(n);
  if (groups === 1) {
    rt.dispatch({ name: `reduce.${name}`, code, constants: { OP: op, STAGE: 2 } }, [out, x], packParams([["u", n], ["u", outIndex], ["u", n]]), [1]);
    return;
  }
  const parts = rt.alloc(groups * 4, `reduce.${name}.parts (${groups}) f32`);
  rt.dispatch({ name: `reduce.${name}.parts`, code, constants: { OP: op, STAGE: 0 } }, [parts, x], packParams([["u", n], ["u", 0], ["u", chunk]]), [groups]);
  rt.dispatch({ name: `reduce.${name}`, code, constants: { OP: op, STAGE: 1 } }, [out, parts], packParams([["u", groups], ["u", outIndex], ["u", groups]]), [1]);
  rt.free(parts);
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
