// Small compositions of @lathe/gpu ops that the objectives share: difference, stop-gradient, row sums, constants.
// None is a kernel of its own; each is two or three existing ops. Dimension letters: B rows, T columns.
import { type Device, noGrad, ops, ShapeError, type Tensor } from "@lathe/gpu";

/** a − b, same shape; gradients +g to a and −g to b. */
export function sub(a: Tensor, b: Tensor): Tensor {
  return ops.add(a, ops.scale(b, -1));
}

/** x's values in a new tensor off the tape: no gradient flows back through it (a copy, not a view). */
export function stopGrad(x: Tensor): Tensor {
  return noGrad(() => ops.scale(x, 1));
}

/** x (B,T) → (B) sums of each row, as x · ones(T,1) (differentiable). */
export function rowSums(x: Tensor /* (B,T) */): Tensor /* (B) */ {
  const [B, T] = x.shape;
  const ones = x.device.full([T, 1], 1, "f32", { name: "ones" }); // (T,1)
  return ops.reshape(ops.matmul(x, ones), [B]);
}

/** A scalar tensor (shape []) holding v. */
export function scalar(dev: Device, v: number, name = "scalar"): Tensor {
  return dev.tensor([v], [], { name });
}

/** Throws a ShapeError naming op unless every tensor has `shape`. */
export function expectShape(op: string, shape: readonly number[], named: Record<string, Tensor | null>): void {
  for (const [name, t] of Object.entries(named)) {
    if (!t) continue;
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]))
      throw new ShapeError(op, `${name} is [${t.shape.join(",")}] but must be [${shape.join(",")}]`, `pass ${name} with one value per ${shape.length === 1 ? "sequence" : "sequence and position"}`);
  }
}
