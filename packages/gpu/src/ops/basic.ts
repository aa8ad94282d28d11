// Differentiable basic ops: matmul, add, mul, scale, sum, mean, reshape. add, mul, scale and reshape also take f16
// tensors (f32 math inside, f16 out); their gradients have the input's dtype.
import { needsGrad, record } from "../autograd.ts";
import { ShapeError } from "../errors.ts";
import { gradOutput } from "../flat.ts";
import type { Tensor } from "../tensor.ts";
import type { DType, MatmulDims, MatmulOpts } from "../types.ts";
import { expectDtype, expectFloat, expectSameFloat, fmt, last, node, sameShape } from "./util.ts";

export interface MatmulOptions {
  /** a is (...,K,M) and used transposed. @default false */
  readonly transA?: boolean;
  /** b is (N,K) (e.g. a weight stored out×in) and used transposed. @default false */
  readonly transB?: boolean;
  /** (N), added to every output row. */
  readonly bias?: Tensor | null;
  /** A tensor of the output's shape added to it in the product's epilogue (a residual connection; its gradient is the output's, passed through). */
  readonly residual?: Tensor | null;
}

/** a (...,M,K) @ b (K,N) or (...,K,N) [+ bias (N)] -> (...,M,N). */
export function matmul(a: Tensor, b: Tensor, opts: MatmulOptions = {}): Tensor {
  expectDtype("matmul", a, "f32");
  expectDtype("matmul", b, "f32");
  const o: MatmulOpts = { transA: opts.transA ?? false, transB: opts.transB ?? false };
  if (a.shape.length < 2 || b.shape.length < 2) throw new ShapeError("matmul", `${fmt(a)} @ ${fmt(b)}: both need rank >= 2`, "reshape vectors to (1,K) or (K,1)");
  const ar = a.shape.length;
  const br = b.shape.length;
  const [M, K] = o.transA ? [a.shape[ar - 1], a.shape[ar - 2]] : [a.shape[ar - 2], a.shape[ar - 1]];
  const [Kb, N] = o.transB ? [b.shape[br - 1], b.shape[br - 2]] : [b.shape[br - 2], b.shape[br - 1]];
  const lead = a.shape.slice(0, -2);
  const batch = lead.reduce((x, y) => x * y, 1);
  const bBatched = br > 2;
  if (K !== Kb) throw new ShapeError("matmul", `${fmt(a)}${o.transA ? "ᵀ" : ""} @ ${fmt(b)}${o.transB ? "ᵀ" : ""}: inner dims ${K} != ${Kb}`, "check transA/transB and the weight layout");
  if (bBatched && !sameShape(b.shape.slice(0, -2), lead))
    throw new ShapeError("matmul", `batched ${fmt(b)} does not match the leading dims of ${fmt(a)}`, "use the same leading dims, or a 2-D b shared by all batches");
  const bias = opts.bias ?? null;
  if (bias && (bias.size !== N || bias.shape.length !== 1)) throw new ShapeError("matmul", `bias ${fmt(bias)} must be (${N})`, "bias has one value per output column");
  const d: MatmulDims = { batch, M, N, K, bBatched };
  const dev = a.device;
  const residual = opts.residual ?? null;
  if (residual) {
    expectDtype("matmul", residual, "f32");
    if (!sameShape(residual.shape, [...lead, M, N])) throw new ShapeError("matmul", `residual ${fmt(residual)} must have the output's shape (${[...lead, M, N].join(",")})`, "pass the tensor the product's output is added to");
  }
  const out = dev.empty([...lead, M, N], "f32", { name: "matmul" });
  dev.backend.matmul(out.buf, a.buf, b.buf, bias?.buf ?? null, d, o, residual ? { kind: "residual", residual: residual.buf } : null);
  if (!needsGrad(a, b, bias, residual)) return out;
  const inputs = [a, b, ...(bias ? [bias] : []), ...(residual ? [residual] : [])];
  return record(out, node("matmul", inputs, [], (g) => {
    const da = a.requiresGrad ? dev.empty(a.shape, "f32", { name: "d" + a.name }) : null;
    const db = b.requiresGrad ? gradOutput(b) : null;
    const dbias = bias?.requiresGrad ? gradOutput(bias) : null;
    if (da || db || dbias) dev.backend.matmulBackward(da?.buf ?? null, db?.buf ?? null, dbias?.buf ?? null, g.buf, a.buf, b.buf, d, o);
    const dres = residual?.requiresGrad ? dev.view(g, residual.shape, { name: "d" + residual.name }) : null;
    return [da, db, ...(bias ? [dbias] : []), ...(residual ? [dres] : [])];
  }));
}

function broadcastCheck(op: string, a: Tensor, b: Tensor): number {
  const bs = b.shape;
  const tail = a.shape.slice(a.shape.length - bs.length);
  if (bs.length > a.shape.length || !sameShape(tail, bs))
    throw new ShapeError(op, `${fmt(b)} does not broadcast to ${fmt(a)}`, "b must have a's shape or a's trailing dims");
  expectSameFloat(op, a, b);
  return b.size;
}

/** out[c] = sum over rows of g[r, c], in g's dtype (f16: summed in f32, rounded once). */
function sumRowsAs(g: Tensor, shape: readonly number[], rows: number, cols: number, of?: Tensor): Tensor {
  const dev = g.device;
  if (g.dtype !== "f16") {
    const out = of ? gradOutput(of) : dev.empty(shape);
    dev.backend.sumRows(out.buf, g.buf, rows, cols);
    return out;
  }
  const g32 = dev.empty(g.shape, "f32");
  dev.backend.cast(g32.buf, g.buf, g.size, "f32");
  const s32 = dev.empty(shape, "f32");
  dev.backend.sumRows(s32.buf, g32.buf, rows, cols);
  const out = dev.empty(shape, "f16");
  dev.backend.cast(out.buf, s32.buf, cols, "f16");
  g32.dispose();
  s32.dispose();
  return out;
}

/** A copy of g with x's shape and dtype. */
function copyAs(g: Tensor, shape: readonly number[], dtype: DType): Tensor {
  const out = g.device.empty(shape, dtype);
  g.device.backend.copy(out.buf, g.buf, g.size, dtype);
  return out;
}

/** a + b, b of a's shape or of a's trailing dims (e.g. a bias (C) over (B,T,C)). */
export function add(a: Tensor, b: Tensor): Tensor {
  const nb = broadcastCheck("add", a, b);
  const dev = a.device;
  const out = dev.empty(a.shape, a.dtype, { name: "add" });
  if (a.dtype === "f16") dev.backend.halfOp("add", out.buf, a.buf, b.buf, a.size, nb, 0);
  else dev.backend.add(out.buf, a.buf, b.buf, a.size, nb);
  if (!needsGrad(a, b)) return out;
  return record(out, node("add", [a, b], [], (g) => {
    const da = a.requiresGrad ? copyAs(g, a.shape, a.dtype) : null;
    const db = b.requiresGrad ? (nb === a.size ? copyAs(g, b.shape, b.dtype) : sumRowsAs(g, b.shape, a.size / nb, nb, b)) : null;
    return [da, db];
  }));
}

/** a * b elementwise, b of a's shape or of a's trailing dims. */
export function mul(a: Tensor, b: Tensor): Tensor {
  const nb = broadcastCheck("mul", a, b);
  const dev = a.device;
  if (a.dtype === "f16") return mulHalf(a, b, nb);
  const out = dev.empty(a.shape, "f32", { name: "mul" });
  dev.backend.mul(out.buf, a.buf, b.buf, a.size, nb);
  if (!needsGrad(a, b)) return out;
  return record(out, node("mul", [a, b], [], (g) => {
    let da: Tensor | null = null;
    let db: Tensor | null = null;
    if (a.requiresGrad) {
      da = dev.empty(a.shape);
      dev.backend.mul(da.buf, g.buf, b.buf, a.size, nb);
    }
    if (b.requiresGrad) {
      const ga = dev.empty(a.shape);
      dev.backend.mul(ga.buf, g.buf, a.buf, a.size, a.size);
      db = dev.empty(b.shape);
      dev.backend.sumRows(db.buf, ga.buf, a.size / nb, nb);
      ga.dispose();
    }
    return [da, db];
  }));
}

/** mul on f16 storage: products in f32, rounded to f16; gradients f16. */
function mulHalf(a: Tensor, b: Tensor, nb: number): Tensor {
  const dev = a.device;
  const be = dev.backend;
  const out = dev.empty(a.shape, "f16", { name: "mul" });
  be.halfOp("mul", out.buf, a.buf, b.buf, a.size, nb, 0);
  if (!needsGrad(a, b)) return out;
  return record(out, node("mul", [a, b], [], (g) => {
    let da: Tensor | null = null;
    let db: Tensor | null = null;
    if (a.requiresGrad) {
      da = dev.empty(a.shape, "f16");
      be.halfOp("mul", da.buf, g.buf, b.buf, a.size, nb, 0);
    }
    if (b.requiresGrad) {
      const ga = dev.empty(a.shape, "f16");
      be.halfOp("mul", ga.buf, g.buf, a.buf, a.size, a.size, 0);
      db = nb === a.size ? ga : sumRowsAs(ga, b.shape, a.size / nb, nb);
      if (db !== ga) ga.dispose();
    }
    return [da, db];
  }));
}

/** a * s for a number s (f32 or f16). */
export function scale(a: Tensor, s: number): Tensor {
  expectFloat("scale", a);
  const dev = a.device;
  const half = a.dtype === "f16";
  const out = dev.empty(a.shape, a.dtype, { name: "scale" });
  if (half) dev.backend.halfOp("scale", out.buf, a.buf, null, a.size, 1, s);
  else dev.backend.scale(out.buf, a.buf, s, a.size);
  if (!needsGrad(a)) return out;
  return record(out, node("scale", [a], [], (g) => {
    const da = dev.empty(a.shape, a.dtype);
    if (half) dev.backend.halfOp("scale", da.buf, g.buf, null, a.size, 1, s);
    else dev.backend.scale(da.buf, g.buf, s, a.size);
    return [da];
  }));
}

function reduceAll(op: "sum" | "mean", x: Tensor): Tensor {
  expectDtype(op, x, "f32");
  const dev = x.device;
  const n = x.size;
  const out = dev.empty([], "f32", { name: op });
  dev.backend.sum(out.buf, x.buf, n);
  if (op === "mean") dev.backend.scale(out.buf, out.buf, 1 / n, 1);
  if (!needsGrad(x)) return out;
  return record(out, node(op, [x], [], (g) => {
    const z = dev.zeros(x.shape);
    const dx = dev.empty(x.shape);
    dev.backend.add(dx.buf, z.buf, g.buf, n, 1);
    if (op === "mean") dev.backend.scale(dx.buf, dx.buf, 1 / n, n);
    z.dispose();
    return [dx];
  }));
}

/** Sum of all elements -> scalar (shape []). Fixed reduction order. */
export function sum(x: Tensor): Tensor {
  return reduceAll("sum", x);
}

/** Mean of all elements -> scalar (shape []). */
export function mean(x: Tensor): Tensor {
  return reduceAll("mean", x);
}

/** Maximum of all elements -> scalar (shape []). Not differentiable: use it under noGrad or on tensors without grad. */
export function max(x: Tensor): Tensor {
  expectDtype("max", x, "f32");
  if (needsGrad(x)) throw new ShapeError("max", `${fmt(x)} requires grad`, "max has no backward; call it inside noGrad()");
  const out = x.device.empty([], "f32", { name: "max" });
  x.device.backend.max(out.buf, x.buf, x.size);
  return out;
}

/** Same data, new shape (one dim may be -1). Shares the buffer. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const known = shape.filter((d) => d !== -1).reduce((p, d) => p * d, 1);
  const s = shape.map((d) => (d === -1 ? x.size / known : d));
  const n = s.reduce((p, d) => p * d, 1);
  if (n !== x.size || !s.every(Number.isInteger)) throw new ShapeError("reshape", `${fmt(x)} cannot become [${shape.join(",")}]`, `the new shape must hold ${x.size} elements`);
  const dev = x.device;
  const out = dev.view(x, s, { name: x.name });
  if (!needsGrad(x)) return out;
  return record(out, node("reshape", [x], [], (g) => [copyAs(g, x.shape, x.dtype)]));
}

export { last };
