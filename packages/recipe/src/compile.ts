// Compiling the recipe schemas with ajv (JSON Schema 2020-12, strict, allErrors, useDefaults, verbose errors).
// Used at run time when no precompiled validators match the schemas, and by `gen` to precompile them.
import { createRequire } from "node:module";
import type Ajv2020 from "ajv/dist/2020.js";
import { rootWithSectionDefaults, SchemaError, type SchemaFiles } from "./schema-files.ts";

/** Editor-only keywords (VS Code / yaml-language-server) that strict ajv would otherwise reject. */
const ANNOTATIONS = ["markdownDescription", "deprecationMessage", "defaultSnippets", "errorMessage", "tsType"];

/** Bump when the options below change, so precompiled validators count as stale. */
export const COMPILE_VERSION = "ajv-8.20.0/2020/strict/allErrors/useDefaults/verbose/v1";

function strictWarning(...args: unknown[]): void {
  const msg = args.map(String).join(" ");
  if (!/default is ignored (in the schema root|for: )/.test(msg)) throw new Error(msg);
}

/** A strict ajv with every schema file added; `source` keeps generated code for standalone output. */
export function createAjv(files: SchemaFiles, source = false): Ajv2020 {
  // Loaded here, not at import: most processes use the precompiled validators and never need ajv itself (~45 ms).
  const Ajv = (createRequire(import.meta.url)("ajv/dist/2020.js") as { default: typeof Ajv2020 }).default;
  const ajv = new Ajv({
    allErrors: true,
    strict: true,
    useDefaults: true,
    verbose: true,
    allowUnionTypes: true,
    // Strict, except about defaults ajv ignores: a schema's own root `default` (sections carry one for editors)
    // and defaults inside oneOf/anyOf branches (fillBranchDefaults applies those).
    strictSchema: "log",
    logger: { log: () => {}, error: console.error, warn: strictWarning },
    ...(source ? { code: { source: true } } : {}),
  });
  for (const keyword of ANNOTATIONS) ajv.addKeyword({ keyword, schemaType: ["string", "object", "array", "boolean"] });
  try {
    for (const [id, doc] of files.docs) if (id !== files.rootId) ajv.addSchema(doc);
    ajv.addSchema(rootWithSectionDefaults(files));
    ajv.getSchema(files.rootId);
  } catch (cause) {
    throw new SchemaError("schemas/", `the recipe schemas do not compile: ${(cause as Error).message}`, { cause });
  }
  return ajv;
}

/** `uri#pointer` of every oneOf/anyOf branch (the validators fillBranchDefaults and error analysis need). */
export function branchPointers(files: SchemaFiles): string[] {
  const out: string[] = [];
  const walk = (node: unknown, pointer: string): void => {
    if (node === null || typeof node !== "object") return;
    for (const [k, v] of Object.entries(node)) {
      if (k === "default" || k === "enum" || k === "const" || k === "examples") continue;
      const p = `${pointer}/${k.replace(/~/g, "~0").replace(/\//g, "~1")}`;
      if ((k === "oneOf" || k === "anyOf") && Array.isArray(v)) v.forEach((_, i) => out.push(`${p}/${i}`));
      walk(v, p);
    }
  };
  for (const [id, doc] of files.docs) walk(id === files.rootId ? rootWithSectionDefaults(files) : doc, `${id}#`);
  return out;
}

/** Hash that precompiled validators must carry to be used for these schema files (safe as a file name). */
export function validatorHash(files: SchemaFiles): string {
  return `${COMPILE_VERSION}/${files.hash}`.replace(/[^\w.-]+/g, "_");
}
