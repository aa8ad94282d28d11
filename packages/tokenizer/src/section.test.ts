// TOKENIZER_DEFAULTS must match the schema's defaults (the schema is the source of truth).
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { TOKENIZER_DEFAULTS } from "./section.ts";
import { DEFAULT_SPECIALS } from "./presets.ts";

type Schema = { default?: unknown; properties?: Record<string, Schema>; description?: string; additionalProperties?: boolean };
const schema = JSON.parse(readFileSync(join(import.meta.dir, "../../../schemas/sections/tokenizer.schema.json"), "utf8")) as Schema;

function defaults(s: Schema): unknown {
  if (!s.properties) return s.default;
  return Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, defaults(v)]));
}

test("TOKENIZER_DEFAULTS equal the defaults in tokenizer.schema.json", () => {
  expect(defaults(schema)).toEqual(TOKENIZER_DEFAULTS);
  expect(TOKENIZER_DEFAULTS.special_tokens).toEqual([...DEFAULT_SPECIALS]);
});

test("every schema property has a description and a default, and objects reject unknown keys", () => {
  const walk = (s: Schema, path: string) => {
    if (s.properties) {
      expect(s.additionalProperties, path).toBe(false);
      for (const [k, v] of Object.entries(s.properties)) {
        expect(typeof v.description, `${path}/${k}`).toBe("string");
        expect("default" in v, `${path}/${k}`).toBe(true);
        walk(v, `${path}/${k}`);
      }
    }
  };
  walk(schema, "");
});
