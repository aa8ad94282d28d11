// Every recipe in the repo's recipes/ folder: it names its schema for editors, and it loads without errors.
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { RecipeError } from "./errors.ts";
import { loadRecipe } from "./load.ts";
import { writeFiles } from "./test-fixtures.ts";

const dir = join(import.meta.dir, "..", "..", "..", "recipes");
const recipes = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();

describe("recipes/", () => {
  test.each(recipes)("%s starts with the yaml-language-server schema line", (f) => {
    expect(readFileSync(join(dir, f), "utf8").split("\n")[0]).toBe("# yaml-language-server: $schema=../schemas/recipe.schema.json");
  });

  test.each(recipes)("%s loads without errors", async (f) => {
    try {
      await loadRecipe(join(dir, f));
    } catch (e) {
      throw e instanceof RecipeError ? new Error(e.format()) : e;
    }
  });
});

describe("the real schema's errors", () => {
  test("a time budget that is not a duration is reported at its line and column, with examples as the hint", async () => {
    const d = writeFiles({ "x.yaml": "name: demo\ntrain:\n  time_budget: 9m30x\n" });
    const err = await loadRecipe(join(d, "x.yaml")).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(RecipeError);
    expect((err as RecipeError).format()).toContain(
      'x.yaml:3:16: /train/time_budget must match the pattern ^\\s*[0-9]+(\\.[0-9]+)?\\s*$|^\\s*([0-9]+(\\.[0-9]+)?\\s*(ms|min|s|m|h)\\s*)+$, got string "9m30x". Hint: write e.g. "10m", "90s", "9m30s", "1.5h", 600.',
    );
  });
});
