// Hugging Face export refuses what GPT2LMHeadModel cannot express (other positions, norms, MLPs, experts), naming the
// recipe field to change.
import { expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveModelConfig } from "../config.ts";
import { ModelConfigError } from "../errors.ts";
import { exportHf } from "./export-hf.ts";

test.each([
  [{ kind: "rnn" }, '/model/kind: cannot export as GPT2LMHeadModel (got "rnn"). Hint: Hugging Face export supports kind: gpt only'],
  [{ pos: "rope" }, '/model/pos: cannot export as GPT2LMHeadModel (got "rope"). Hint: GPT-2 uses learned positions; set pos: learned'],
  [{ norm: "rmsnorm" }, '/model/norm: cannot export as GPT2LMHeadModel (got "rmsnorm"). Hint: GPT-2 uses LayerNorm; set norm: layernorm'],
  [{ mlp: "swiglu" }, '/model/mlp: cannot export as GPT2LMHeadModel (got "swiglu"). Hint: GPT-2 uses a GELU MLP; set mlp: gelu'],
  [
    { moe: { experts: 4 } },
    '/model/moe: cannot export as GPT2LMHeadModel (got {"experts":4,"top_k":2,"every":2,"capacity_factor":1.25,"shared_experts":0,"router":"softmax","aux_loss":0.01,"z_loss":0.001}). Hint: GPT-2\'s layout has no experts; Hugging Face export needs a dense model (no model.moe)',
  ],
])("refuses to export %o as GPT-2", async (section, message) => {
  const trainDir = mkdtempSync(join(tmpdir(), "lathe-train-"));
  writeFileSync(join(trainDir, "config.json"), JSON.stringify(resolveModelConfig(section, 50)));
  const run = exportHf({ trainDir, tokenizerDir: trainDir, outDir: join(trainDir, "hf") });
  await expect(run).rejects.toBeInstanceOf(ModelConfigError);
  await expect(exportHf({ trainDir, tokenizerDir: trainDir, outDir: join(trainDir, "hf") })).rejects.toThrow(message);
});
