// Test helpers: write recipe files (and, where a test needs stable section fields, a fixture schema dir) to a temp dir.
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { RecipeError } from "./errors.ts";
import { loadRecipe, type LoadOptions } from "./load.ts";
import { DEFAULT_SCHEMA_DIR } from "./schema-files.ts";

/** Writes `files` (name → text) into a fresh temp dir and returns it. */
export function writeFiles(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "lathe-recipe-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const section = (title: string, body: object): string =>
  JSON.stringify({ $schema: "https://json-schema.org/draft/2020-12/schema", $id: `https://lathe.dev/schemas/sections/${title}.schema.json`, title, description: `fixture ${title}`, ...body });

/**
 * A schema dir with the real root schema and serve section, and small fixed sections for the ones other packages
 * own (so these tests don't change when those sections grow).
 */
export const FIXTURE_SCHEMA_DIR: string = (() => {
  const dir = mkdtempSync(join(tmpdir(), "lathe-schema-"));
  mkdirSync(join(dir, "sections"));
  cpSync(join(DEFAULT_SCHEMA_DIR, "recipe.schema.json"), join(dir, "recipe.schema.json"));
  for (const s of ["serve"]) cpSync(join(DEFAULT_SCHEMA_DIR, "sections", `${s}.schema.json`), join(dir, "sections", `${s}.schema.json`));
  const files: Record<string, string> = {
    datasets: section("datasets", { type: "array", default: [], items: { type: "object", additionalProperties: false, properties: { path: { type: "string", description: "file", default: "" } } } }),
    clean: section("clean", { type: "array", default: [], items: { type: "object", additionalProperties: false, properties: { rule: { enum: ["filter", "dedup"], description: "rule", default: "filter" } } } }),
    eval: section("eval", {
      type: "object",
      additionalProperties: false,
      default: {},
      properties: {
        split: { enum: ["auto", "val", "test"], description: "split", default: "auto" },
        max_docs: { type: "integer", minimum: 0, description: "docs", default: 0 },
        samples: { type: "integer", minimum: 0, maximum: 100, description: "samples", default: 3 },
      },
    }),
    tokenizer: section("tokenizer", { type: "object", additionalProperties: false, default: {}, properties: { vocab_size: { type: "integer", minimum: 256, description: "size", default: 4096 } } }),
    finetune: section("finetune", {
      type: "object",
      additionalProperties: false,
      default: {},
      properties: {
        steps: { type: "integer", minimum: 0, description: "steps", default: 0 },
        lr: { type: "number", exclusiveMinimum: 0, description: "lr", default: 1e-5 },
      },
    }),
    train: section("train", {
      type: "object",
      additionalProperties: false,
      default: {},
      properties: {
        lr: { type: "number", exclusiveMinimum: 0, description: "peak lr", default: 3e-4 },
        batch_size: { type: "integer", minimum: 1, description: "batch", default: 8 },
        schedule: { enum: ["cosine", "linear", "constant"], description: "schedule", default: "cosine" },
      },
    }),
    model: section("model", {
      default: { kind: "gpt" },
      oneOf: [
        { title: "gpt", type: "object", additionalProperties: false, properties: { kind: { const: "gpt", description: "kind", default: "gpt" }, n_layer: { type: "integer", minimum: 1, description: "layers", default: 4 }, d_model: { type: "integer", minimum: 1, description: "width", default: 64 } } },
        { title: "rnn", type: "object", additionalProperties: false, properties: { kind: { const: "rnn", description: "kind", default: "rnn" }, hidden: { type: "integer", minimum: 1, description: "hidden", default: 128 } } },
      ],
    }),
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, "sections", `${name}.schema.json`), text);
  return dir;
})();

/** Loads `main` from a temp dir holding `files`, with messages relative to that dir and the fixture schema. */
export async function loadFixture(files: Record<string, string>, main = "x.yaml", opts: LoadOptions = {}) {
  const dir = writeFiles(files);
  return loadRecipe(main, { cwd: dir, schemaDir: FIXTURE_SCHEMA_DIR, ...opts });
}

/** The formatted RecipeError text of loading, or a failure message when it loads. */
export async function errorText(files: Record<string, string>, set: readonly string[] = [], main = "x.yaml"): Promise<string> {
  try {
    await loadFixture(files, main, { set });
  } catch (e) {
    if (e instanceof RecipeError) return e.format();
    throw e;
  }
  return "<loaded without errors>";
}
