// ops.cast: convert a float tensor between f32 and f16 storage (round to nearest even, overflow to ±inf, f16
// subnormals kept). Differentiable: the gradient is cast back to the input's dtype.
import { needsGrad, record } from "../autograd.ts";
import { DTypeError, ShapeError } from "../errors.ts";
import type { Tensor } from "../tensor.ts";
import type { FloatDType } from "../types.ts";
import { fmt, node } from "./util.ts";
import { reshape } from "./basic.ts";

/** x as `to` ("f16" needs `shader-f16` on WebGPU). Casting to x's own dtype returns a view (no copy). */
export function cast(x: Tensor, to: FloatDType): Tensor {
  if (to !== "f32" && to !== "f16") throw new ShapeError("cast", `unknown dtype ${JSON.stringify(to)} for ${fmt(x)}`, 'cast to "f32" or "f16"');
  if (x.dtype === "i32") throw new DTypeError("cast", fmt(x), "i32", "cast converts float tensors between f32 and f16; token ids stay i32");
  if (x.dtype === to) return reshape(x, x.shape);
  const from = x.dtype;
  const dev = x.device;
  const out = dev.empty(x.shape, to, { name: `${x.name}.${to}` });
  dev.backend.cast(out.buf, x.buf, x.size, to);
  if (!needsGrad(x)) return out;
  return record(out, node("cast", [x], [], (g) => {
    const dx = dev.empty(x.shape, from, { name: "d" + x.name });
    dev.backend.cast(dx.buf, g.buf, x.size, from);
    return [dx];
  }));
}
