// Helpers shared by the differentiable ops: shape checks and node construction.
import { DTypeError, ShapeError } from "../errors.ts";
import type { TapeNode, Tensor } from "../tensor.ts";
import type { DType } from "../types.ts";

export function fmt(t: Tensor): string {
  return `${t.name} [${t.shape.join(",")}] ${t.dtype}`;
}

export function expectDtype(op: string, t: Tensor, dtype: DType): void {
  if (t.dtype !== dtype) throw new ShapeError(op, `${fmt(t)} must be ${dtype}`, dtype === "i32" ? "token ids are Int32Array tensors" : "pass a Float32Array tensor");
}

/** A float tensor (f32, or f16 for the ops that support f16 storage); i32 is refused as expectDtype does. */
export function expectFloat(op: string, t: Tensor): void {
  if (t.dtype === "i32") expectDtype(op, t, "f32");
}

/** Both inputs float and of one dtype (f16 and f32 are not mixed implicitly). */
export function expectSameFloat(op: string, a: Tensor, b: Tensor): void {
  expectFloat(op, a);
  expectFloat(op, b);
  if (a.dtype !== b.dtype)
    throw new DTypeError(op, fmt(b), b.dtype, `cast one of them, e.g. ops.cast(b, "${a.dtype}")`, `but ${fmt(a)} is ${a.dtype} and ${op} takes inputs of one dtype`);
}

export function expectRank(op: string, t: Tensor, rank: number | [number, number]): void {
  const [lo, hi] = typeof rank === "number" ? [rank, rank] : rank;
  if (t.shape.length < lo || t.shape.length > hi) throw new ShapeError(op, `${fmt(t)} has rank ${t.shape.length}, expected ${lo === hi ? lo : `${lo}..${hi}`}`, "reshape it first");
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function last(t: Tensor): number {
  return t.shape[t.shape.length - 1] ?? 1;
}

/** A node whose saved internal tensors are disposed on release. */
export function node(op: string, inputs: readonly Tensor[], saved: readonly Tensor[], backward: (g: Tensor, into?: readonly (Tensor | null)[]) => (Tensor | null)[]): TapeNode {
  return {
    op,
    inputs,
    backward,
    release: () => {
      for (const s of saved) s.dispose();
    },
  };
}
