// CPU reference of the f16-storage elementwise ops: the f32 reference of the op, then one rounding to f16. CPU f16
// buffers are Float32Arrays holding f16 values (see ../cast/reference.ts), so the f32 references read them directly.
import { geluBackwardRef, geluForwardRef, siluBackwardRef, siluForwardRef } from "../activation/reference.ts";
import { roundF16InPlace } from "../cast/reference.ts";
import { accumulateRef, addForwardRef, mulForwardRef, scaleForwardRef } from "../elementwise/reference.ts";

/** The ops that run on f16 storage; their index is the OP override of elementwise-f16.wgsl. */
export const HALF_OPS = ["add", "mul", "scale", "accumulate", "gelu", "geluBackward", "silu", "siluBackward"] as const;
export type HalfOp = (typeof HALF_OPS)[number];

/** out = op(a, b, s) over n elements (see elementwise-f16.ts), rounded to f16. */
export function halfOpRef(op: HalfOp, out: Float32Array, a: Float32Array | null, b: Float32Array | null, n: number, nb: number, s: number): void {
  const A = a ?? out;
  const B = b ?? out;
  switch (op) {
    case "add": addForwardRef(out, A, B, n, nb); break;
    case "mul": mulForwardRef(out, A, B, n, nb); break;
    case "scale": scaleForwardRef(out, A, s, n); break;
    case "accumulate": accumulateRef(out, B, n); break;
    case "gelu": geluForwardRef(out, A, n); break;
    case "geluBackward": geluBackwardRef(out, B, A, n); break;
    case "silu": siluForwardRef(out, A, n); break;
    case "siluBackward": siluBackwardRef(out, B, A, n); break;
  }
  roundF16InPlace(out, n);
}
