// The `ops` namespace: every differentiable op (see ARCHITECTURE.md "GPU").
import { add, matmul, max, mean, mul, reshape, scale, sum } from "./basic.ts";
import { attention, crossEntropy, dropout, embedding, gelu, layerNorm, rmsNorm, rope, silu, softmax, swiglu } from "./nn.ts";
import { gru, lstm } from "./rnn.ts";

export const ops = {
  matmul, add, mul, scale, sum, mean, max, reshape,
  embedding, layerNorm, rmsNorm, gelu, silu, swiglu, softmax, rope, attention, crossEntropy, dropout,
  lstm, gru,
} as const;

export type { MatmulOptions } from "./basic.ts";
export type { AttentionOptions, CrossEntropyOptions } from "./nn.ts";
