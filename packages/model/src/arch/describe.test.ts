// The architecture descriptions: checkpoint names and shapes in creation order (trained models keep loading), the
// blocks each kind stacks, and which feed-forwards model.moe turns into experts. Needs no device.
import { describe, expect, test } from "bun:test";
import { resolveModelConfig } from "../config.ts";
import { describeArch } from "./describe.ts";

const names = (section: Record<string, unknown>) => describeArch(resolveModelConfig(section, 10)).params.map((p) => `${p.name} [${p.shape}]`);
const blocks = (section: Record<string, unknown>) => describeArch(resolveModelConfig(section, 10)).blocks.map((b) => b.name);

describe("the description of", () => {
  test("a gpt names its tensors as Hugging Face GPT-2 does, in the order checkpoints always had", () => {
    expect(names({ n_layer: 1, n_head: 2, d_model: 4, context: 3 })).toEqual([
      "wte.weight [10,4]", "wpe.weight [3,4]",
      "h.0.ln_1.weight [4]", "h.0.ln_1.bias [4]", "h.0.attn.c_attn.weight [4,12]", "h.0.attn.c_attn.bias [12]", "h.0.attn.c_proj.weight [4,4]", "h.0.attn.c_proj.bias [4]",
      "h.0.ln_2.weight [4]", "h.0.ln_2.bias [4]", "h.0.mlp.c_fc.weight [4,16]", "h.0.mlp.c_fc.bias [16]", "h.0.mlp.c_proj.weight [16,4]", "h.0.mlp.c_proj.bias [4]",
      "ln_f.weight [4]", "ln_f.bias [4]",
    ]);
  });

  test("an rnn names its layers rnn.l and has a head bias", () => {
    expect(names({ kind: "rnn", n_layer: 2, hidden: 3, embedding: 2, context: 3 })).toEqual([
      "wte.weight [10,2]",
      "rnn.0.weight_ih [2,12]", "rnn.0.bias_ih [12]", "rnn.0.weight_hh [3,12]",
      "rnn.1.weight_ih [3,12]", "rnn.1.bias_ih [12]", "rnn.1.weight_hh [3,12]",
      "lm_head.weight [10,3]", "lm_head.bias [10]",
    ]);
  });

  test("a hybrid names block i h.i with its norm h.i.ln, a recurrent block with its projection back", () => {
    expect(names({ kind: "hybrid", blocks: ["recurrent", "mlp"], d_model: 4, n_head: 2, context: 3, cell: "gru", bias: false, norm: "rmsnorm", pos: "none" })).toEqual([
      "wte.weight [10,4]",
      "h.0.ln.weight [4]", "h.0.rnn.weight_ih [4,12]", "h.0.rnn.bias_ih [12]", "h.0.rnn.weight_hh [4,12]", "h.0.c_proj.weight [4,4]",
      "h.1.ln.weight [4]", "h.1.mlp.c_fc.weight [4,16]", "h.1.mlp.c_proj.weight [16,4]",
      "ln_f.weight [4]",
    ]);
  });

  test.each<[Record<string, unknown>, string[]]>([
    [{ n_layer: 4, moe: { every: 2 } }, ["h.0.mlp", "h.1.moe", "h.2.mlp", "h.3.moe"]],
    [{ n_layer: 3, moe: { every: 1 } }, ["h.0.moe", "h.1.moe", "h.2.moe"]],
    [{ n_layer: 3, moe: { every: 3 } }, ["h.0.mlp", "h.1.mlp", "h.2.moe"]],
    [{ kind: "hybrid", blocks: ["mlp", "attention", "mlp", "recurrent", "mlp"], moe: { every: 2 } }, ["h.0.mlp", "h.2.moe", "h.4.mlp"]],
  ])("%o puts experts in every every-th feed-forward", (section, expected) => {
    const b = blocks({ n_head: 2, d_model: 4, context: 3, ...section });
    expect(b.filter((n) => n.endsWith(".mlp") || n.endsWith(".moe"))).toEqual(expected);
  });
});
