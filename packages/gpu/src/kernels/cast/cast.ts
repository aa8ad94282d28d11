// WebGPU dispatch of f32 <-> f16 casts (same signature as reference.ts castRef, with the runtime first).
// Every f16 kernel's source is f16.wgsl (enable f16 + integer conversions) followed by its body.
import { type GpuBuf, packParams, type Runtime } from "../../runtime.ts";
import { grid1d } from "../grid.ts";
import prelude from "./f16.wgsl" with { type: "text" };
import toF16 from "./to-f16.wgsl" with { type: "text" };
import toF32 from "./to-f32.wgsl" with { type: "text" };

/** Prefix a kernel body with the f16 prelude. */
export function withF16(body: string): string {
  return `${prelude}\n${body}`;
}

const TO_F16 = withF16(toF16);
const TO_F32 = withF16(toF32);

/** out = x converted to `to` (n elements; f16 buffers hold ceil(n/2) words). */
export function cast(rt: Runtime, out: GpuBuf, x: GpuBuf, n: number, to: "f16" | "f32"): void {
  const spec = to === "f16" ? { name: "cast.toF16", code: TO_F16 } : { name: "cast.toF32", code: TO_F32 };
  rt.dispatch(spec, [out, x], packParams([["u", n]]), grid1d(Math.ceil(n / 2), 256));
}
