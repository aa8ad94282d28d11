// Writes packages/recipe/src/generated/recipe.ts from the schemas. Run: `bun run --cwd packages/recipe gen`.
import { renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateTypes } from "../src/typegen.ts";

const out = join(import.meta.dir, "..", "src", "generated", "recipe.ts");
const text = await generateTypes();
writeFileSync(`${out}.tmp`, text);
renameSync(`${out}.tmp`, out);
console.log(`wrote ${out}`);
