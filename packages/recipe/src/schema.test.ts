// The schemas themselves: they compile under strict ajv, keep the contract (description + default everywhere,
// unknown keys rejected), and src/generated/recipe.ts is what `bun run gen` makes of them now.
import { describe, expect, test } from "bun:test";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_SCHEMA_DIR, readSchemaFiles } from "./schema-files.ts";
import { lintSchemas } from "./schema-lint.ts";
import { checkPath } from "./schema-walk.ts";
import { loadSchema } from "./schema.ts";
import { generateTypes } from "./typegen.ts";
import { FIXTURE_SCHEMA_DIR, writeFiles } from "./test-fixtures.ts";
import { loadRecipe } from "./load.ts";
import { RecipeError } from "./errors.ts";

let generated: Promise<string> | undefined;
const generate = (): Promise<string> => (generated ??= generateTypes(DEFAULT_SCHEMA_DIR));

describe("recipe schemas", () => {
  test("the root schema and every section compile under strict ajv", () => {
    expect(() => loadSchema(DEFAULT_SCHEMA_DIR)).not.toThrow();
  });

  test("every property has a description and a default, and objects reject unknown keys", () => {
    expect(lintSchemas(readSchemaFiles(DEFAULT_SCHEMA_DIR))).toEqual([]);
  });

  test("the root schema refers to each section file by a path relative to itself (for editors)", () => {
    const root = JSON.parse(readFileSync(join(DEFAULT_SCHEMA_DIR, "recipe.schema.json"), "utf8")) as { properties: Record<string, { $ref?: string }> };
    for (const section of ["datasets", "clean", "tokenizer", "model", "train", "eval", "finetune", "serve"]) {
      expect(root.properties[section]?.$ref).toBe(`sections/${section}.schema.json`);
    }
  });

  test("src/generated/recipe.ts is up to date with the schemas (run `bun run --cwd packages/recipe gen`)", async () => {
    const onDisk = readFileSync(join(import.meta.dir, "generated", "recipe.ts"), "utf8");
    expect(onDisk).toBe(await generate());
  });

  test("the generated types export Recipe and one type per section", async () => {
    const text = await generate();
    for (const name of ["Recipe", "Datasets", "Clean", "Tokenizer", "Model", "Train", "Sweep", "Eval", "Finetune", "Serve", "RandomParam"]) {
      expect(text).toMatch(new RegExp(`^export (interface|type) ${name}\\b`, "m"));
    }
  });

  test("the generated Recipe has every field required, because loading fills defaults", async () => {
    const text = await generate();
    const recipe = text.slice(text.indexOf("export interface Recipe {"), text.indexOf("\n}\n", text.indexOf("export interface Recipe {")));
    expect(recipe).toContain("  seed: number;");
    expect(recipe).toContain("  sweep: Sweep;");
    expect(recipe).not.toMatch(/^ {2}\w+\?:/m);
  });

  test.each([
    ["serve.port", undefined],
    ["vars.anything.below", undefined],
    ["sweep.grid.serve.port", undefined],
    ["serve.prot", { at: 1, allowed: ["host", "port", "max_tokens"] }],
  ])("checkPath(%p) says where a dotted path leaves the schema", (path, expected) => {
    expect(checkPath(loadSchema(DEFAULT_SCHEMA_DIR), path.split("."))).toEqual(expected as never);
  });

  test("validators compiled once are reused from the cache, with the same errors", async () => {
    // Unique content, so the first load cannot find a cached compile.
    const first = mkdtempSync(join(tmpdir(), "lathe-schema-a-"));
    cpSync(FIXTURE_SCHEMA_DIR, first, { recursive: true });
    const serve = join(first, "sections", "serve.schema.json");
    writeFileSync(serve, readFileSync(serve, "utf8").replace('"title": "serve"', `"title": "serve", "$comment": "${Math.random()}"`));
    const second = mkdtempSync(join(tmpdir(), "lathe-schema-b-"));
    cpSync(first, second, { recursive: true });
    expect(loadSchema(first).cached).toBe(false);
    expect(loadSchema(second).cached).toBe(true);
    const dir = writeFiles({ "x.yaml": "model:\n  kind: rnn\n  hidden: wide\nserve:\n  prot: 1\n" });
    const errors = await Promise.all(
      [first, second].map((schemaDir) => loadRecipe("x.yaml", { cwd: dir, schemaDir }).then(() => "", (e: RecipeError) => e.format())),
    );
    expect(errors[0]).toBe('x.yaml:3:11: /model/hidden must be integer, got string "wide".\nx.yaml:5:3: /serve/prot is not a known key. Hint: did you mean `port`?');
    expect(errors[1]).toBe(errors[0]!);
  });
});
