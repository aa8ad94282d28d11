// Every recipe in the repo's recipes/ folder: it names its schema for editors, and it loads without errors.
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { RecipeError } from "./errors.ts";
import { loadRecipe } from "./load.ts";

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
