// Differentiable neural-net ops: embedding, layerNorm, rmsNorm, gelu, silu, swiglu, softmax, rope, attention,
// crossEntropy, dropout. Dimension letters: B batch, T time, C channels, V vocab, N rows.
import { needsGrad, record } from "../autograd.ts";
import { ShapeError } from "../errors.ts";
import { gradOutput } from "../flat.ts";
import type { Tensor } from "../tensor.ts";
import type { HeadDims } from "../types.ts";
import { expectDtype, expectFloat, expectRank, fmt, last, node, sameShape } from "./util.ts";

/** ids i32 (...) x table (V,C) -> (...,C). Backward: deterministic scatter-add into the table. */
export function embedding(ids: Tensor, table: Tensor): Tensor {
  expectDtype("embedding", ids, "i32");
  expectDtype("embedding", table, "f32");
  expectRank("embedding", table, 2);
  const [V, C] = table.shape;
  const N = ids.size;
  const dev = table.device;
  const out = dev.empty([...ids.shape, C], "f32", { name: "embedding" });
  dev.backend.embedding(out.buf, ids.buf, table.buf, N, V, C);
  if (!needsGrad(table)) return out;
  return record(out, node("embedding", [ids, table], [], (g) => {
    const dt = gradOutput(table);
    dev.backend.embeddingBackward(dt.buf, g.buf, ids.buf, N, V, C);
    return [null, dt];
  }));
}

function checkVec(op: string, x: Tensor, w: Tensor): void {
  if (w.shape.length !== 1 || w.size !== last(x)) throw new ShapeError(op, `${fmt(w)} must be (${last(x)}) for ${fmt(x)}`, "norm weights have one value per channel");
}

/** LayerNorm over the last dim: (x - mean) / sqrt(var + eps) * w + b. */
export function layerNorm(x: Tensor, w: Tensor, b: Tensor, eps = 1e-5): Tensor {
  checkVec("layerNorm", x, w);
  checkVec("layerNorm", x, b);
  const C = last(x);
  const N = x.size / C;
  const dev = x.device;
  const out = dev.empty(x.shape, "f32", { name: "layerNorm" });
  const mean = dev.empty([N], "f32", { name: "ln.mean" });
  const rstd = dev.empty([N], "f32", { name: "ln.rstd" });
  dev.backend.layerNorm(out.buf, mean.buf, rstd.buf, x.buf, w.buf, b.buf, N, C, eps);
  if (!needsGrad(x, w, b)) {
    mean.dispose();
    rstd.dispose();
    return out;
  }
  dev.keep(mean);
  dev.keep(rstd);
  return record(out, node("layerNorm", [x, w, b], [mean, rstd], (g, into) => {
    // x's gradient is added into the one it already has (a residual stream's) when there is one.
    const prev = into?.[0] ?? null;
    const dx = prev ?? dev.empty(x.shape);
    const dw = w.requiresGrad ? gradOutput(w) : dev.empty(w.shape);
    const db = b.requiresGrad ? gradOutput(b) : dev.empty(b.shape);
    dev.backend.layerNormBackward(dx.buf, dw.buf, db.buf, g.buf, x.buf, w.buf, mean.buf, rstd.buf, N, C, prev !== null);
    return [dx, dw, db];
  }));
}

/** RMSNorm over the last dim: x / sqrt(mean(x²) + eps) * w. */
export function rmsNorm(x: Tensor, w: Tensor, eps = 1e-5): Tensor {
  checkVec("rmsNorm", x, w);
  const C = last(x);
  const N = x.size / C;
  const dev = x.device;
  const out = dev.empty(x.shape, "f32", { name: "rmsNorm" });
  const rstd = dev.empty([N], "f32", { name: "rms.rstd" });
  dev.backend.rmsNorm(out.buf, rstd.buf, x.buf, w.buf, N, C, eps);
  if (!needsGrad(x, w)) {
    rstd.dispose();
    return out;
  }
  dev.keep(rstd);
  return record(out, node("rmsNorm", [x, w], [rstd], (g) => {
    const dx = dev.empty(x.shape);
    const dw = w.requiresGrad ? gradOutput(w) : dev.empty(w.shape);
    dev.backend.rmsNormBackward(dx.buf, dw.buf, g.buf, x.buf, w.buf, rstd.buf, N, C);
    return [dx, dw];
  }));
}

// f32, or f16 storage (f32 math inside, f16 out, f16 gradient).
function unary(op: "gelu" | "silu", x: Tensor): Tensor {
  expectFloat(op, x);
  const dev = x.device;
  const half = x.dtype === "f16";
  const out = dev.empty(x.shape, x.dtype, { name: op });
  const be = dev.backend;
  if (half) be.halfOp(op, out.buf, x.buf, null, x.size, 1, 0);
  else (op === "gelu" ? be.gelu : be.silu).call(be, out.buf, x.buf, x.size);
  if (!needsGrad(x)) return out;
  return record(out, node(op, [x], [], (g) => {
    const dx = dev.empty(x.shape, x.dtype);
    if (half) be.halfOp(op === "gelu" ? "geluBackward" : "siluBackward", dx.buf, x.buf, g.buf, x.size, x.size, 0);
    else (op === "gelu" ? be.geluBackward : be.siluBackward).call(be, dx.buf, g.buf, x.buf, x.size);
    return [dx];
  }));
}

/** GELU, tanh approximation (GPT-2). */
export function gelu(x: Tensor): Tensor {
  return unary("gelu", x);
}

/** SiLU: x * sigmoid(x). */
export function silu(x: Tensor): Tensor {
  return unary("silu", x);
}

/** SwiGLU: silu(gate) * up, same shapes. */
export function swiglu(gate: Tensor, up: Tensor): Tensor {
  if (!sameShape(gate.shape, up.shape)) throw new ShapeError("swiglu", `${fmt(gate)} and ${fmt(up)} differ`, "gate and up must have the same shape");
  const dev = gate.device;
  const out = dev.empty(gate.shape, "f32", { name: "swiglu" });
  dev.backend.swiglu(out.buf, gate.buf, up.buf, gate.size);
  if (!needsGrad(gate, up)) return out;
  return record(out, node("swiglu", [gate, up], [], (g) => {
    const dg = dev.empty(gate.shape);
    const du = dev.empty(up.shape);
    dev.backend.swigluBackward(dg.buf, du.buf, g.buf, gate.buf, up.buf, gate.size);
    return [dg, du];
  }));
}

/** Softmax over the last dim. */
export function softmax(x: Tensor): Tensor {
  expectDtype("softmax", x, "f32");
  const C = last(x);
  const N = x.size / C;
  const dev = x.device;
  const out = dev.empty(x.shape, "f32", { name: "softmax" });
  dev.backend.softmax(out.buf, x.buf, N, C);
  if (!needsGrad(x)) return out;
  return record(out, node("softmax", [x], [], (g) => {
    const dx = dev.empty(x.shape);
    dev.backend.softmaxBackward(dx.buf, g.buf, out.buf, N, C);
    return [dx];
  }));
}

function headDims(op: string, qkv: Tensor, nHead: number): HeadDims {
  expectRank(op, qkv, 3);
  const [B, T, C3] = qkv.shape;
  const C = C3 / 3;
  if (!Number.isInteger(C) || C % nHead !== 0) throw new ShapeError(op, `${fmt(qkv)} with nHead=${nHead}: last dim must be 3*C with C divisible by nHead`, "pack q, k, v as (B,T,3C)");
  return { B, T, C, nHead };
}

/** Rotary embedding of the q and k parts of packed qkv (B,T,3C), half-split pairs per head, position = t. */
export function rope(qkv: Tensor, nHead: number, base = 10000): Tensor {
  const d = headDims("rope", qkv, nHead);
  if ((d.C / nHead) % 2 !== 0) throw new ShapeError("rope", `head size ${d.C / nHead} is odd`, "rope needs an even head size");
  const dev = qkv.device;
  const out = dev.empty(qkv.shape, "f32", { name: "rope" });
  dev.backend.rope(out.buf, qkv.buf, d, base);
  if (!needsGrad(qkv)) return out;
  return record(out, node("rope", [qkv], [], (g) => {
    const dx = dev.empty(qkv.shape);
    dev.backend.ropeBackward(dx.buf, g.buf, d, base);
    return [dx];
  }));
}

export interface AttentionOptions {
  /** Mask future positions. @default true */
  readonly causal?: boolean;
}

/** Multi-head self-attention over packed qkv (B,T,3C) -> (B,T,C), scale 1/sqrt(D). */
export function attention(qkv: Tensor, nHead: number, opts: AttentionOptions = {}): Tensor {
  const d = headDims("attention", qkv, nHead);
  const causal = opts.causal ?? true;
  const dev = qkv.device;
  const out = dev.empty([d.B, d.T, d.C], "f32", { name: "attention" });
  const lse = dev.empty([d.B, nHead, d.T], "f32", { name: "attn.lse" });
  dev.backend.attention(out.buf, lse.buf, qkv.buf, d, causal);
  if (!needsGrad(qkv)) {
    lse.dispose();
    return out;
  }
  dev.keep(lse);
  return record(out, node("attention", [qkv], [lse], (g) => {
    const dx = dev.empty(qkv.shape);
    dev.backend.attentionBackward(dx.buf, g.buf, out.buf, lse.buf, qkv.buf, d, causal);
    return [dx];
  }));
}

export interface CrossEntropyOptions {
  /** Targets equal to this are ignored (as are targets outside [0,V)). @default -1 */
  readonly ignoreIndex?: number;
  /** (N) f32 per-row loss weights (e.g. 0/1 loss mask). */
  readonly mask?: Tensor | null;
}

/** Mean cross-entropy of logits (N,V) (or (...,V)) against i32 targets (N): sum(w*loss)/max(sum(w),1). */
export function crossEntropy(logits: Tensor, targets: Tensor, opts: CrossEntropyOptions = {}): Tensor {
  expectDtype("crossEntropy", logits, "f32");
  expectDtype("crossEntropy", targets, "i32");
  const V = last(logits);
  const N = logits.size / V;
  if (targets.size !== N) throw new ShapeError("crossEntropy", `${fmt(targets)} has ${targets.size} targets for ${N} rows of ${fmt(logits)}`, "one target per logits row");
  const mask = opts.mask ?? null;
  if (mask) {
    expectDtype("crossEntropy", mask, "f32");
    if (mask.size !== N) throw new ShapeError("crossEntropy", `mask ${fmt(mask)} has ${mask.size} values for ${N} rows`, "one mask value per row");
  }
  const dev = logits.device;
  const losses = dev.empty([N], "f32", { name: "ce.losses" });
  const weights = dev.empty([N], "f32", { name: "ce.weights" });
  const lse = dev.empty([N], "f32", { name: "ce.lse" });
  const denom = dev.empty([1], "f32", { name: "ce.denom" });
  const out = dev.empty([], "f32", { name: "loss" });
  dev.backend.crossEntropy(losses.buf, weights.buf, lse.buf, logits.buf, targets.buf, mask?.buf ?? null, N, V, opts.ignoreIndex ?? -1);
  dev.backend.crossEntropyMean(out.buf, denom.buf, losses.buf, weights.buf, N);
  losses.dispose();
  if (!needsGrad(logits)) {
    weights.dispose();
    lse.dispose();
    denom.dispose();
    return out;
  }
  for (const t of [weights, lse, denom]) dev.keep(t);
  return record(out, node("crossEntropy", [logits, targets], [weights, lse, denom], (g) => {
    const dl = dev.empty(logits.shape);
    dev.backend.crossEntropyBackward(dl.buf, g.buf, denom.buf, logits.buf, lse.buf, targets.buf, weights.buf, N, V);
    return [dl, null];
  }));
}

/** Inverted dropout with probability p; the mask is a counter-based hash of (seed, index). p = 0 is identity. */
export function dropout(x: Tensor, p: number, seed: number): Tensor {
  if (!(p >= 0 && p < 1)) throw new ShapeError("dropout", `p = ${p}`, "use 0 <= p < 1");
  expectDtype("dropout", x, "f32");
  const dev = x.device;
  const out = dev.empty(x.shape, "f32", { name: "dropout" });
  if (p === 0) dev.backend.copy(out.buf, x.buf, x.size);
  else dev.backend.dropout(out.buf, x.buf, x.size, p, seed);
  if (!needsGrad(x)) return out;
  return record(out, node("dropout", [x], [], (g) => {
    const dx = dev.empty(x.shape);
    if (p === 0) dev.backend.copy(dx.buf, g.buf, x.size);
    else dev.backend.dropoutBackward(dx.buf, g.buf, x.size, p, seed);
    return [dx];
  }));
}

export interface GeluMlpOptions {
  /** A tensor of the output's shape added to it (the residual stream), fused into the second product. */
  readonly residual?: Tensor | null;
}

/**
 * GPT-2's MLP, gelu(x·w1 + b1)·w2 + b2 (+ residual), x (..., C), w1 (C, F), w2 (F, C). The GELU runs in the first
 * product's epilogue forward and in the epilogue of the product that makes its input's gradient backward, so
 * neither direction has a separate pass over the (..., F) activations (a second pass where the kernel cannot).
 */
export function geluMlp(x: Tensor, w1: Tensor, b1: Tensor | null, w2: Tensor, b2: Tensor | null, opts: GeluMlpOptions = {}): Tensor {
  for (const t of [x, w1, w2, b1, b2, opts.residual]) if (t) expectDtype("geluMlp", t, "f32");
  expectRank("geluMlp", x, [2, 8]);
  const C = last(x);
  const F = w1.shape[1] ?? 0;
  if (w1.shape.length !== 2 || w1.shape[0] !== C) throw new ShapeError("geluMlp", `${fmt(w1)} must be (${C}, F) for ${fmt(x)}`, "w1 is stored (in, hidden)");
  if (w2.shape.length !== 2 || w2.shape[0] !== F || w2.shape[1] !== C) throw new ShapeError("geluMlp", `${fmt(w2)} must be (${F}, ${C})`, "w2 is stored (hidden, out)");
  if (b1 && (b1.shape.length !== 1 || b1.size !== F)) throw new ShapeError("geluMlp", `${fmt(b1)} must be (${F})`, "b1 has one value per hidden unit");
  if (b2 && (b2.shape.length !== 1 || b2.size !== C)) throw new ShapeError("geluMlp", `${fmt(b2)} must be (${C})`, "b2 has one value per output channel");
  const residual = opts.residual ?? null;
  if (residual && !sameShape(residual.shape, x.shape)) throw new ShapeError("geluMlp", `residual ${fmt(residual)} must have x's shape`, "pass the residual stream the MLP's output is added to");
  const dev = x.device;
  const lead = x.shape.slice(0, -2);
  const batch = lead.reduce((p, q) => p * q, 1);
  const M = x.shape.length >= 2 ? x.shape[x.shape.length - 2] : 1;
  const o = { transA: false, transB: false };
  const d1 = { batch, M, N: F, K: C, bBatched: false };
  const d2 = { batch, M, N: C, K: F, bBatched: false };
  const pre = dev.empty([...lead, M, F], "f32", { name: "mlp.pre" });
  const h = dev.empty([...lead, M, F], "f32", { name: "mlp.gelu" });
  dev.backend.matmul(pre.buf, x.buf, w1.buf, b1?.buf ?? null, d1, o, { kind: "gelu", act: h.buf });
  const out = dev.empty(x.shape, "f32", { name: "mlp" });
  dev.backend.matmul(out.buf, h.buf, w2.buf, b2?.buf ?? null, d2, o, residual ? { kind: "residual", residual: residual.buf } : null);
  if (!needsGrad(x, w1, b1, w2, b2, residual)) {
    pre.dispose();
    h.dispose();
    return out;
  }
  dev.keep(pre); // saved for the backward, freed on release
  dev.keep(h);
  const inputs = [x, w1, ...(b1 ? [b1] : []), w2, ...(b2 ? [b2] : []), ...(residual ? [residual] : [])];
  return record(out, node("geluMlp", inputs, [pre, h], (g) => {
    const dw2 = w2.requiresGrad ? gradOutput(w2) : null;
    const db2 = b2?.requiresGrad ? gradOutput(b2) : null;
    if (dw2 || db2) dev.backend.matmulBackward(null, dw2?.buf ?? null, db2?.buf ?? null, g.buf, h.buf, w2.buf, d2, o);
    let [dx, dw1, db1]: (Tensor | null)[] = [null, null, null];
    if (x.requiresGrad || w1.requiresGrad || b1?.requiresGrad) {
      // d pre = (g · w2ᵀ) ⊙ gelu'(pre), the derivative applied in the product's epilogue.
      const dpre = dev.empty(pre.shape, "f32", { name: "mlp.dpre" });
      dev.backend.matmul(dpre.buf, g.buf, w2.buf, null, { batch, M, N: F, K: C, bBatched: false }, { transA: false, transB: true }, { kind: "dgelu", pre: pre.buf });
      dx = x.requiresGrad ? dev.empty(x.shape, "f32", { name: "d" + x.name }) : null;
      dw1 = w1.requiresGrad ? gradOutput(w1) : null;
      db1 = b1?.requiresGrad ? gradOutput(b1) : null;
      dev.backend.matmulBackward(dx?.buf ?? null, dw1?.buf ?? null, db1?.buf ?? null, dpre.buf, x.buf, w1.buf, d1, o);
      dpre.dispose();
    }
    const dres = residual?.requiresGrad ? dev.view(g, residual.shape, { name: "d" + residual.name }) : null;
    return [dx, dw1, ...(b1 ? [db1] : []), dw2, ...(b2 ? [db2] : []), ...(residual ? [dres] : [])];
  }));
}
