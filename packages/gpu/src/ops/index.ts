// The `ops` namespace: every differentiable op (see ARCHITECTURE.md "GPU"), each behind the central dtype guard:
// only the ops listed in F16_OPS accept f16 tensors; every other op refuses them with a DTypeError naming the op
// (so no kernel ever reads a 2-byte f16 buffer as 4-byte f32). A new op refuses f16 until it is listed here.
import { DTypeError } from "../errors.ts";
import { Tensor } from "../tensor.ts";
import { add, matmul, max, mean, mul, reshape, scale, sum } from "./basic.ts";
import { cast } from "./cast.ts";
import { attention, crossEntropy, dropout, embedding, gelu, geluMlp, layerNorm, rmsNorm, rope, silu, softmax, swiglu } from "./nn.ts";
import { tokenLogprobs, tokenScores } from "./logprobs.ts";
import { logSigmoid } from "./logsigmoid.ts";
import { rowScale } from "./rowscale.ts";
import { kvWrite, pagedAttention } from "./paged-attention.ts";
import { sampleRows } from "./sample.ts";
import { gru, lstm } from "./rnn.ts";
import { groupedMatmul, moeCombine, moeDispatch, moeGather, moeRoute } from "./moe.ts";
import { fmt } from "./util.ts";

/** Ops with f16-storage support (f32 math inside, output in the input's dtype). */
export const F16_OPS: readonly string[] = ["cast", "add", "mul", "scale", "gelu", "silu", "reshape"];

/** Tensors among an op's arguments, and one level into option objects (bias, mask, ...). */
function tensorsIn(args: readonly unknown[]): Tensor[] {
  const out: Tensor[] = [];
  for (const a of args) {
    if (a instanceof Tensor) out.push(a);
    else if (a !== null && typeof a === "object" && !Array.isArray(a)) for (const v of Object.values(a)) if (v instanceof Tensor) out.push(v);
  }
  return out;
}

/** fn behind the dtype guard: f16 arguments are refused unless op is in F16_OPS. */
export function guard<A extends unknown[], R>(op: string, fn: (...args: A) => R): (...args: A) => R {
  if (F16_OPS.includes(op)) return fn;
  return (...args: A): R => {
    for (const t of tensorsIn(args))
      if (t.dtype === "f16")
        throw new DTypeError(op, fmt(t), "f16", `cast to f32 first: ops.cast(x, "f32") (f16 storage works with ${F16_OPS.join(", ")})`);
    return fn(...args);
  };
}

export const ops = {
  matmul: guard("matmul", matmul), add: guard("add", add), mul: guard("mul", mul), scale: guard("scale", scale),
  sum: guard("sum", sum), mean: guard("mean", mean), max: guard("max", max), reshape: guard("reshape", reshape),
  cast: guard("cast", cast),
  embedding: guard("embedding", embedding), layerNorm: guard("layerNorm", layerNorm), rmsNorm: guard("rmsNorm", rmsNorm),
  gelu: guard("gelu", gelu), silu: guard("silu", silu), swiglu: guard("swiglu", swiglu), softmax: guard("softmax", softmax),
  rope: guard("rope", rope), attention: guard("attention", attention), crossEntropy: guard("crossEntropy", crossEntropy),
  dropout: guard("dropout", dropout), geluMlp: guard("geluMlp", geluMlp),
  lstm: guard("lstm", lstm), gru: guard("gru", gru),
  tokenLogprobs: guard("tokenLogprobs", tokenLogprobs), tokenScores: guard("tokenScores", tokenScores),
  logSigmoid: guard("logSigmoid", logSigmoid), rowScale: guard("rowScale", rowScale),
  kvWrite: guard("kvWrite", kvWrite), pagedAttention: guard("pagedAttention", pagedAttention),
  sampleRows: guard("sampleRows", sampleRows),
  moeRoute: guard("moeRoute", moeRoute), moeDispatch: guard("moeDispatch", moeDispatch), moeGather: guard("moeGather", moeGather),
  groupedMatmul: guard("groupedMatmul", groupedMatmul), moeCombine: guard("moeCombine", moeCombine),
} as const;

export type { MatmulOptions } from "./basic.ts";
export type { AttentionOptions, CrossEntropyOptions, GeluMlpOptions } from "./nn.ts";
export type { TokenScores } from "./logprobs.ts";
export type { KvWriteOptions, PagedRows } from "./paged-attention.ts";
export type { SampleParams, SampledRows } from "./sample.ts";
export type { GroupedMatmulOptions, MoeDispatch, MoeGateMode, MoeRoute } from "./moe.ts";
