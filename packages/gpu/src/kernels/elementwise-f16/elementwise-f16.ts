// WebGPU dispatch of the f16-storage elementwise ops (same signature as reference.ts halfOpRef, runtime first).
import { type GpuBuf, packParams, type Runtime } from "../../runtime.ts";
import { withF16 } from "../cast/cast.ts";
import { grid1d } from "../grid.ts";
import body from "./elementwise-f16.wgsl" with { type: "text" };
import { HALF_OPS, type HalfOp } from "./reference.ts";

const code = withF16(body);

/**
 * out = op(a, b, s) over n f16 elements (f32 math, rounded once to f16). b broadcasts with nb elements for add/mul;
 * for accumulate, out += b (a unused); for the backward ops, b is the upstream gradient. out may alias a for scale.
 */
export function halfOp(rt: Runtime, op: HalfOp, out: GpuBuf, a: GpuBuf | null, b: GpuBuf | null, n: number, nb: number, s: number): void {
  let k = HALF_OPS.indexOf(op);
  let src = a ?? rt.dummy(0);
  if (op === "scale" && a === out) {
    k = 8; // in place: out *= s (a buffer cannot be bound as both read and read_write)
    src = rt.dummy(0);
  }
  rt.dispatch({ name: `elementwise-f16.${op}`, code, constants: { OP: k } }, [out, src, b ?? rt.dummy(1)], packParams([["u", n], ["u", Math.max(nb, 1)], ["f", s]]), grid1d(Math.ceil(n / 2), 256));
}
