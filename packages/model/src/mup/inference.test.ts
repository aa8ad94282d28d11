// Inference of a µP gpt away from its base width: the batched decoder (CPU reference ops and WebGPU, when an
// adapter exists) and the HostModel give the CPU training forward's logits (the query and readout multipliers are
// applied everywhere), and the folded weights the exporters write are a standard model with the same logits.
import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Device, getDevice, noGrad, testDevice } from "@lathe/gpu";
import { type GptConfig, resolveModelConfig } from "../config.ts";
import { readSafetensors, type TensorMap, writeSafetensors } from "../io/safetensors.ts";
import { buildModel } from "../nn/model.ts";
import { tensorsOf } from "../train/checkpoint.ts";
import { loadDecoder } from "../infer/decode/load.ts";
import { exportHf } from "../infer/export-hf.ts";
import { HostModel } from "../infer/host-model.ts";
import { foldMup } from "./fold.ts";

const V = 29;
const T = 9;
const ids = Int32Array.from({ length: T }, (_, i) => (i * 11 + 3) % V);
const models: [string, Record<string, unknown>][] = [
  ["tied, layernorm with bias", { n_layer: 2, n_head: 2, d_model: 16, context: T, parametrization: "mup", base_width: 4 }],
  ["untied, rope, rmsnorm, no bias", { n_layer: 2, n_head: 2, d_model: 16, context: T, parametrization: "mup", base_width: 4, tie_embeddings: false, pos: "rope", norm: "rmsnorm", bias: false }],
];

/** A random µP model (large init so the multipliers matter), its training-forward logits (T,V) and weights. */
async function fixture(section: Record<string, unknown>): Promise<{ cfg: GptConfig; weights: TensorMap; logits: Float32Array }> {
  const dev = await getDevice({ backend: "cpu" });
  const cfg = resolveModelConfig({ ...section, init_std: 0.3 }, V) as GptConfig;
  const model = buildModel(dev, cfg, 5);
  const logits = (await noGrad(() => model.forward(dev.tensor(ids, [1, T]), { train: false, seed: 0, site: 0 })).read()) as Float32Array;
  return { cfg, weights: await tensorsOf(model.params.list), logits };
}

function hostLogits(cfg: GptConfig, w: TensorMap): Float32Array {
  const host = new HostModel(cfg, w);
  const out = new Float32Array(T * V);
  ids.forEach((id, t) => out.set(host.step(id), t * V));
  return out;
}

const close = (got: Float32Array, want: Float32Array) => {
  let worst = 0;
  got.forEach((g, i) => (worst = Math.max(worst, Math.abs(g - want[i]) / (1 + Math.abs(want[i])))));
  expect(worst).toBeLessThan(2e-5);
};

const devices: [string, Device | null][] = [["cpu", await getDevice({ backend: "cpu" })], ["webgpu", await testDevice()]];

describe.each(models)("a µP gpt at 4x its base width (%s)", (_, section) => {
  for (const [name, dev] of devices) {
    // testDevice printed why when there is no adapter
    test.skipIf(dev === null)(`decodes on ${name} with the training forward's logits`, async () => {
      if (dev === null) throw new Error("unreachable: skipped without a device");
      const { cfg, weights, logits } = await fixture(section);
      const dir = mkdtempSync(join(tmpdir(), "lathe-mup-"));
      writeSafetensors(join(dir, "model.safetensors"), weights);
      writeFileSync(join(dir, "config.json"), JSON.stringify(cfg));
      const dec = await loadDecoder({ trainDir: dir, device: dev, maxSequences: 2, pageSize: 4, prefillChunk: 4 });
      try {
        // Prompt ids[0..k) and greedy: the first event's logits are those after the prompt's last token.
        for (const k of [1, 5, T]) {
          dec.add([...ids.slice(0, k)], { maxTokens: 1, logits: true });
          const events = [];
          while (events.length === 0) events.push(...(await dec.step()));
          close(events[0].logits!, logits.subarray((k - 1) * V, k * V));
        }
      } finally {
        await dec.close();
      }
  }, 120_000);

  test("folded into a standard model for export keeps its logits", async () => {
      const { cfg, weights, logits } = await fixture(section);
      const folded = foldMup(cfg, weights);
      expect(folded.cfg).toMatchObject({ parametrization: "standard", base_width: 16 });
      close(hostLogits(cfg, weights), logits);
      close(hostLogits(folded.cfg, folded.weights), logits);
      expect(folded.weights.get("h.0.attn.c_attn.weight")!.data[0]).toBeCloseTo(weights.get("h.0.attn.c_attn.weight")!.data[0] * 0.5, 6); // q × 1/sqrt(4)
      expect(folded.weights.get("ln_f.weight")!.data[0]).toBeCloseTo(0.25, 6); // ones × 1/4
    });
  }
});

test("the Hugging Face export of a µP model carries the folded weights", async () => {
  const { cfg, weights } = await fixture(models[0][1]);
  const dir = mkdtempSync(join(tmpdir(), "lathe-mup-hf-"));
  writeSafetensors(join(dir, "model.safetensors"), weights);
  writeFileSync(join(dir, "config.json"), JSON.stringify(cfg));
  writeFileSync(join(dir, "tokenizer.hf.json"), "{}");
  await exportHf({ trainDir: dir, tokenizerDir: dir, outDir: join(dir, "hf") });
  const hf = readSafetensors(join(dir, "hf", "model.safetensors")).tensors;
  const folded = foldMup(cfg, weights).weights;
  expect(hf.get("transformer.h.1.attn.c_attn.weight")!.data).toEqual(folded.get("h.1.attn.c_attn.weight")!.data);
  expect(hf.get("transformer.ln_f.bias")!.data).toEqual(folded.get("ln_f.bias")!.data);
  expect(JSON.parse(readFileSync(join(dir, "hf", "config.json"), "utf8"))).toMatchObject({ n_embd: 16, scale_attn_weights: true });
});
