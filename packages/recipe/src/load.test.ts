// Loading valid recipes: defaults filled, extends merged, ${var} references, --set overrides, plan contexts.
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { planContexts } from "./context.ts";
import { loadRecipe } from "./load.ts";
import { DEFAULT_SCHEMA_DIR } from "./schema-files.ts";
import { loadFixture, writeFiles } from "./test-fixtures.ts";

describe("loadRecipe", () => {
  test("an empty recipe gets every default, including inside the oneOf branch it matches", async () => {
    const { recipe } = await loadFixture({ "x.yaml": "# nothing but a comment\n" });
    expect(recipe.name).toBe("x");
    expect(recipe.seed).toBe(0);
    expect(recipe.extends).toBeNull();
    expect(recipe.vars).toEqual({});
    expect(recipe.train as unknown).toEqual({ lr: 3e-4, batch_size: 8, schedule: "cosine" });
    expect(recipe.model as unknown).toEqual({ kind: "gpt", n_layer: 4, d_model: 64 });
    expect(recipe.sweep).toEqual({
      grid: {}, zip: {}, random: { n: 0, seed: null, params: {} },
      early_stop: { method: "none", metric: "val_loss", grace: 200, reduction: 3, min_trials: 3 },
      select: { metric: "", mode: "min" },
      scaling: { fit: "none", metric: "val_loss", predict: {}, flops: 0 },
      limit: 1000,
    });
    expect(recipe.eval as unknown).toEqual({ split: "auto", max_docs: 0, samples: 3 });
    expect(recipe.serve).toEqual({ host: "127.0.0.1", port: 8080, max_tokens: 256 });
  });

  test("the defaults of the branch picked by its tag are filled", async () => {
    const { recipe } = await loadFixture({ "x.yaml": "model:\n  kind: rnn\n" });
    expect(recipe.model as unknown).toEqual({ kind: "rnn", hidden: 128 });
  });

  test("with the real schemas an empty recipe has every section present", async () => {
    const dir = writeFiles({ "x.yaml": "name: real\n" });
    const { recipe } = await loadRecipe("x.yaml", { cwd: dir, schemaDir: DEFAULT_SCHEMA_DIR });
    expect(Object.keys(recipe).sort()).toEqual(["clean", "datasets", "eval", "extends", "finetune", "model", "name", "seed", "serve", "sweep", "tokenizer", "train", "vars"]);
    expect(recipe.name).toBe("real");
  });

  test("extends merges maps deeply, replaces lists, and null removes an inherited key", async () => {
    const loaded = await loadFixture(
      {
        "base.yaml": "name: base\ntrain:\n  lr: 1e-3\n  batch_size: 16\nserve:\n  port: 1234\n  host: 0.0.0.0\ndatasets:\n  - path: a.txt\n  - path: b.txt\n",
        "mid.yaml": "extends: base.yaml\ntrain:\n  schedule: linear\n",
        "sub/x.yaml": "extends: ../mid.yaml\nname: child\ntrain:\n  lr: 2e-3\nserve:\n  port: ~\ndatasets:\n  - path: c.txt\n",
      },
      "sub/x.yaml",
    );
    const r = loaded.recipe;
    expect(r.name).toBe("child");
    expect(r.train as unknown).toEqual({ lr: 2e-3, batch_size: 16, schedule: "linear" });
    expect(r.serve).toEqual({ host: "0.0.0.0", port: 8080, max_tokens: 256 });
    expect(r.datasets as unknown).toEqual([{ path: "c.txt" }]);
    expect(r.extends).toBe("../mid.yaml");
    expect(loaded.files.map((f) => f.slice(f.lastIndexOf("/", f.lastIndexOf("/") - 1) + 1))).toEqual(["sub/x.yaml", expect.stringMatching(/mid\.yaml$/), expect.stringMatching(/base\.yaml$/)]);
  });

  test("${var} keeps the type of a whole-string reference and stringifies an embedded one", async () => {
    const { recipe } = await loadFixture({
      "x.yaml": [
        "vars:",
        "  port: 9000",
        "  base: ${port}",
        "  list: [a, b]",
        "serve:",
        "  port: ${base}",
        '  host: "h${port}-${list}"',
        "train:",
        "  lr: ${finetune.lr}",
        "  batch_size: ${vars.port}",
        "finetune:",
        "  lr: 0.002",
        "eval:",
        "  max_docs: ${serve.max_tokens}",
        "name: $${not a var}",
        "",
      ].join("\n"),
    });
    expect(recipe.serve.port).toBe(9000);
    expect(recipe.serve.host).toBe('h9000-["a","b"]');
    expect((recipe.train as unknown as { lr: number }).lr).toBe(0.002);
    expect((recipe.train as unknown as { batch_size: number }).batch_size).toBe(9000);
    expect(recipe.eval.max_docs).toBe(256);
    expect(recipe.name).toBe("${not a var}");
  });

  test("a reference to a value the recipe leaves at its default gets the default", async () => {
    const { recipe } = await loadFixture({ "x.yaml": "finetune:\n  steps: ${eval.samples}\n" });
    expect((recipe.finetune as unknown as { steps: number }).steps).toBe(3);
  });

  test("--set values are typed as YAML and win over the file", async () => {
    const { recipe } = await loadFixture({ "x.yaml": "vars:\n  p: 81\ntrain:\n  lr: 0.1\n" }, "x.yaml", {
      set: ["train.lr=1e-3", "serve.host=example.org", "serve.port=${p}", "datasets=[{path: z.txt}]", "eval.split=val"],
    });
    expect((recipe.train as unknown as { lr: number }).lr).toBe(0.001);
    expect(recipe.serve.host).toBe("example.org");
    expect(recipe.serve.port).toBe(81);
    expect(recipe.datasets as unknown).toEqual([{ path: "z.txt" }]);
    expect(recipe.eval.split).toBe("val");
  });

  test("YAML anchors, aliases and merge keys work, keys written next to a merge key win", async () => {
    const { recipe } = await loadFixture({ "x.yaml": "vars:\n  srv: &srv {port: 1, host: h}\nserve:\n  <<: *srv\n  port: 2\neval: {samples: &n 7}\nfinetune: {steps: *n}\n" });
    expect(recipe.serve).toEqual({ host: "h", port: 2, max_tokens: 256 });
    expect((recipe.finetune as unknown as { steps: number }).steps).toBe(7);
  });

  test("--set into a list element that does not exist yet creates the list", async () => {
    const { recipe } = await loadFixture({ "x.yaml": "seed: 1\n" }, "x.yaml", { set: ["datasets.0.path=a.txt"] });
    expect(recipe.datasets as unknown).toEqual([{ path: "a.txt" }]);
  });

  test("a recipe without a sweep plans one context whose stage ids are plain", async () => {
    const loaded = await loadFixture({ "x.yaml": "seed: 5\n" });
    const contexts = planContexts(loaded);
    expect(contexts).toHaveLength(1);
    expect(contexts[0]!.id("train")).toBe("train");
    expect(contexts[0]!.recipe.seed).toBe(5);
    expect(contexts[0]!.file).toBe(loaded.file);
    expect(contexts[0]!.file.endsWith("/x.yaml")).toBe(true);
  });

  test("a sweep plans one context per trial, with trial-N/ stage ids", async () => {
    const loaded = await loadFixture({ "x.yaml": "sweep:\n  grid:\n    seed: [1, 2, 3]\n" });
    const contexts = planContexts(loaded, { root: "/repo" });
    expect(contexts.map((c) => c.id("train"))).toEqual(["trial-1/train", "trial-2/train", "trial-3/train"]);
    expect(contexts.map((c) => c.recipe.seed)).toEqual([1, 2, 3]);
    expect(contexts.every((c) => c.root === "/repo")).toBe(true);
  });

  test("the repo root is the nearest folder above the recipe with a workspaces package.json", async () => {
    const dir = writeFiles({ "package.json": '{"workspaces": ["packages/*"]}', "recipes/x.yaml": "seed: 1\n" });
    const loaded = await loadRecipe(join(dir, "recipes", "x.yaml"), { schemaDir: DEFAULT_SCHEMA_DIR });
    expect(loaded.root).toBe(dir);
  });
});
