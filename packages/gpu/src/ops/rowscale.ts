// Row scaling: each row of x (...,D) times its own weight, for per-row weights in losses (DPO/RL advantages,
// sequence masks). Dimension letters: N rows (x's leading dims flattened), D row length.
import { needsGrad, record } from "../autograd.ts";
import { ShapeError } from "../errors.ts";
import type { Tensor } from "../tensor.ts";
import { expectDtype, fmt, last, node, sameShape } from "./util.ts";

/**
 * x (N,D) or (...,D), s (N) or x's leading shape -> out[n,:] = s[n] * x[n,:], x's shape.
 * Backward: dx = s[n] * dy[n,:], ds[n] = dy[n,:] · x[n,:].
 */
export function rowScale(x: Tensor, s: Tensor): Tensor {
  expectDtype("rowScale", x, "f32");
  expectDtype("rowScale", s, "f32");
  if (x.shape.length < 1) throw new ShapeError("rowScale", `${fmt(x)} is a scalar`, "pass x of shape (N,D); for a scalar weight use ops.scale or ops.mul");
  const D = last(x);
  const N = D === 0 ? 0 : x.size / D;
  const lead = x.shape.slice(0, -1);
  if (!sameShape(s.shape, [N]) && !sameShape(s.shape, lead))
    throw new ShapeError("rowScale", `${fmt(s)} does not give one weight per row of ${fmt(x)} (${N} rows)`, `pass s of shape [${N}] or [${lead.join(",")}]`);
  const dev = x.device;
  const out = dev.empty(x.shape, "f32", { name: "rowScale" });
  dev.backend.rowScale(out.buf, x.buf, s.buf, N, D);
  if (!needsGrad(x, s)) return out;
  return record(out, node("rowScale", [x, s], [], (g) => {
    const dx = x.requiresGrad ? dev.empty(x.shape) : null;
    const ds = s.requiresGrad ? dev.empty(s.shape) : null;
    dev.backend.rowScaleBackward(dx?.buf ?? null, ds?.buf ?? null, g.buf, x.buf, s.buf, N, D);
    return [dx, ds];
  }));
}
