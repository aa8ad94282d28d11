// How errors reach the user: typed errors (a broken recipe, a broken schema file) print their message only; bugs
// print a stack.
import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadRecipe, RecipeError, SchemaError } from "@lathe/recipe";
import { describeError, isUserError } from "./errors.ts";

const TINY = join(import.meta.dir, "../../../tests/fixtures/cli/tiny.yaml");

/** The error loadRecipe throws for TINY when the schema folder holds `rootSchema` as recipe.schema.json. */
async function loadWithSchema(rootSchema: string): Promise<unknown> {
  const dir = mkdtempSync(join(tmpdir(), "lathe-schema-"));
  try {
    writeFileSync(join(dir, "recipe.schema.json"), rootSchema);
    await loadRecipe(TINY, { schemaDir: dir });
    return undefined;
  } catch (e) {
    return e;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

class ForgotNameError extends Error {}

describe("describeError", () => {
  test.each([
    ["a schema file that is not JSON", "{ not json", /^schemas\/recipe\.schema\.json: cannot read schema: JSON Parse error/],
    ["a schema without $id", "{}", /^schemas\/recipe\.schema\.json: missing \$id$/],
  ])("a SchemaError from %s prints its message without a stack", async (_, text, message) => {
    const e = await loadWithSchema(text);
    expect(e).toBeInstanceOf(SchemaError);
    expect(isUserError(e)).toBe(true);
    const shown = describeError(e, false);
    expect(shown).toMatch(message);
    expect(shown).not.toMatch(/^\s+at /m);
  });

  test("a RecipeError prints its formatted issues", () => {
    const e = new RecipeError([{ file: "r.yaml", line: 2, col: 3, pointer: "/seed", message: "/seed must be integer", hint: "remove the quotes." }]);
    expect(describeError(e, false)).toContain("r.yaml:2:3");
    expect(describeError(e, false)).not.toMatch(/^\s+at /m);
  });

  test("a typed error class that forgot to set name still counts as a user error", () => {
    expect(isUserError(new ForgotNameError("x"))).toBe(true);
    expect(describeError(new ForgotNameError("the message"), false)).toBe("the message");
  });

  test.each([["Error", new Error("boom")], ["TypeError", new TypeError("x is undefined")]] as const)("a plain %s is a bug and prints its stack", (_, e) => {
    expect(isUserError(e)).toBe(false);
    expect(describeError(e, false)).toStartWith("internal error (a bug in lathe, please report it): ");
    expect(describeError(e, false)).toMatch(/^\s+at /m);
  });

  test("LATHE_DEBUG prints the stack of a user error too", () => {
    const e = new SchemaError("schemas/x.json", "missing $id");
    expect(describeError(e, true)).toMatch(/^\s+at /m);
  });
});
