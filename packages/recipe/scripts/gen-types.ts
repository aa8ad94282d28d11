// Writes packages/recipe/src/generated/recipe.ts from the schemas. Run: `bun run --cwd packages/recipe gen`.
// Also compiles the schemas with strict ajv (fails on a broken schema) and warns about fields without a
// description or default, so a section owner sees contract problems right away.
import { renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_SCHEMA_DIR, readSchemaFiles } from "../src/schema-files.ts";
import { lintSchemas } from "../src/schema-lint.ts";
import { loadSchema } from "../src/schema.ts";
import { generateTypes } from "../src/typegen.ts";

try {
  loadSchema(DEFAULT_SCHEMA_DIR);
} catch (e) {
  console.error((e as Error).message);
  process.exit(1);
}
for (const p of lintSchemas(readSchemaFiles(DEFAULT_SCHEMA_DIR))) console.warn(`warning: ${p.file} ${p.pointer || "/"} ${p.problem}`);

const out = join(import.meta.dir, "..", "src", "generated", "recipe.ts");
const text = await generateTypes(DEFAULT_SCHEMA_DIR);
writeFileSync(`${out}.tmp`, text);
renameSync(`${out}.tmp`, out);
console.log(`wrote ${out}`);
