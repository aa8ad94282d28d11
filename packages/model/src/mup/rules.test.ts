// µP's rules as the model applies them: the multipliers per width, the config checks, and what each parameter of a
// built gpt gets (init std, lr scale, decay), on the CPU backend.
import { describe, expect, test } from "bun:test";
import { getDevice } from "@lathe/gpu";
import { SectionValueError } from "@lathe/recipe";
import { resolveModelConfig } from "../config.ts";
import { ModelConfigError } from "../errors.ts";
import { buildModel } from "../nn/model.ts";
import { describeMup, mupScales } from "./rules.ts";

describe("µP multipliers", () => {
  test.each([
    ["standard at any width", { d_model: 256, parametrization: "standard", base_width: 64 }, { widthMult: 1, hiddenInit: 1, hiddenLr: 1, output: 1, query: 1 }],
    ["mup at its base width", { d_model: 64, parametrization: "mup", base_width: 64 }, { widthMult: 1, hiddenInit: 1, hiddenLr: 1, output: 1, query: 1 }],
    ["mup with base_width 0", { d_model: 64, parametrization: "mup", base_width: 0 }, { widthMult: 1, hiddenInit: 1, hiddenLr: 1, output: 1, query: 1 }],
    ["mup at 4x its base width", { d_model: 256, parametrization: "mup", base_width: 64 }, { widthMult: 4, hiddenInit: 0.5, hiddenLr: 0.25, output: 0.25, query: 0.5 }],
    ["mup at half its base width", { d_model: 32, parametrization: "mup", base_width: 64 }, { widthMult: 0.5, hiddenInit: Math.SQRT2, hiddenLr: 2, output: 2, query: Math.SQRT2 }],
    ["a config.json written before µP existed", { d_model: 64 }, { widthMult: 1, hiddenInit: 1, hiddenLr: 1, output: 1, query: 1 }],
  ] as const)("are %s", (_, cfg, scales) => {
    const s = mupScales(cfg);
    for (const [k, v] of Object.entries(scales)) expect(s[k as keyof typeof s]).toBeCloseTo(v, 12);
  });

  test("the log line says what changes, or that the model is the standard one", () => {
    expect(describeMup({ d_model: 128, parametrization: "mup", base_width: 32 })).toBe(
      "µP: width 128 = 4 × base 32: hidden init ×0.5, hidden lr ×0.25, logits ×0.25, attention scores ×0.5 (1/D)",
    );
    expect(describeMup({ d_model: 128, parametrization: "mup", base_width: 0 })).toBe("µP at its base width 128: the standard model");
    expect(describeMup({ d_model: 128, parametrization: "standard", base_width: 32 })).toBeNull();
  });
});

describe("µP config", () => {
  test("resolves base_width 0 to d_model, and defaults to the standard parametrization", () => {
    const c = resolveModelConfig({ d_model: 96, n_head: 4 }, 50);
    expect(c).toMatchObject({ parametrization: "standard", base_width: 96 });
    expect(resolveModelConfig({ d_model: 96, n_head: 4, parametrization: "mup" }, 50)).toMatchObject({ parametrization: "mup", base_width: 96 });
  });

  test.each([
    [{ n_head: 4, d_model: 64, parametrization: "mup", base_width: 30 }, "/model/base_width: the base model's d_model 30 is not divisible by n_head 4 (got 30). Hint: pick a base_width that n_head divides, e.g. 32"],
    [{ n_head: 4, d_model: 64, parametrization: "mup", base_width: 20, pos: "rope" }, "/model/base_width: the base model's head size 5 is odd (got 20). Hint: rope rotates pairs of channels: make base_width / n_head even"],
  ])("rejects %o with a message naming the field", (section, message) => {
    expect(() => resolveModelConfig(section, 10)).toThrow(ModelConfigError);
    expect(() => resolveModelConfig(section, 10)).toThrow(message);
  });

  test("is a gpt field: a hybrid model with parametrization is a schema error at the key", () => {
    expect(() => resolveModelConfig({ kind: "hybrid", parametrization: "mup" }, 10)).toThrow(SectionValueError);
    expect(() => resolveModelConfig({ kind: "hybrid", parametrization: "mup" }, 10)).toThrow("/model/parametrization is not a known key");
  });
});

describe("a µP gpt at 4x its base width", () => {
  const section = { n_layer: 2, n_head: 4, d_model: 128, context: 8, tie_embeddings: false, parametrization: "mup", base_width: 32, init_std: 0.02 };
  const std = async (name: string, sec: Record<string, unknown>) => {
    const m = buildModel(await getDevice({ backend: "cpu" }), resolveModelConfig(sec, 512), 3);
    const d = (await m.params.get(name)!.tensor.read()) as Float32Array;
    return Math.sqrt(d.reduce((s, v) => s + v * v, 0) / d.length);
  };

  test.each([
    ["h.0.attn.c_attn.weight", 0.02 / 2],
    ["h.1.mlp.c_fc.weight", 0.02 / 2],
    ["h.0.attn.c_proj.weight", 0.02 / 2 / 2], // residual projection: init_std / sqrt(2L), then µP's 1/sqrt(m)
    ["h.1.mlp.c_proj.weight", 0.02 / 2 / 2],
    ["wte.weight", 0.02], // input and output weights keep init_std
    ["wpe.weight", 0.02],
    ["lm_head.weight", 0.02],
  ])("inits %s with std %f", async (name, want) => {
    expect(await std(name, section)).toBeCloseTo(want, 3);
  });

  test("scales the lr of exactly the hidden matrices by base_width / d_model", async () => {
    const m = buildModel(await getDevice({ backend: "cpu" }), resolveModelConfig(section, 512), 3);
    const scaled = m.params.list.filter((p) => p.lrScale !== 1);
    expect(scaled.map((p) => p.name)).toEqual(
      ["h.0", "h.1"].flatMap((h) => [`${h}.attn.c_attn.weight`, `${h}.attn.c_proj.weight`, `${h}.mlp.c_fc.weight`, `${h}.mlp.c_proj.weight`]),
    );
    for (const p of scaled) expect(p.lrScale).toBe(0.25);
  });
});
