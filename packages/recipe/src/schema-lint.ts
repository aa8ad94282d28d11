// Checks the schema contract of ARCHITECTURE.md: every property has a description and a default, and every object
// with properties rejects unknown keys. Used by tests so a section that breaks the contract fails CI.
import { resolveRef, type SchemaFiles, type SchemaObject } from "./schema-files.ts";

export interface LintProblem {
  readonly file: string;
  readonly pointer: string;
  readonly problem: string;
}

function isObj(v: unknown): v is SchemaObject {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function target(files: SchemaFiles, s: SchemaObject, base: string): SchemaObject {
  return typeof s.$ref === "string" ? resolveRef(files, s.$ref, base).schema : s;
}

/** Every contract violation in the loaded schema files. */
export function lintSchemas(files: SchemaFiles): LintProblem[] {
  const problems: LintProblem[] = [];
  for (const [id, doc] of files.docs) {
    const file = files.files.get(id) ?? id;
    const walk = (node: unknown, pointer: string): void => {
      if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${pointer}/${i}`));
      if (!isObj(node)) return;
      if (isObj(node.properties)) {
        // Open objects are fine when combined branches close them (a tag object with allOf/if/then, a then-branch).
        const combined = ["allOf", "oneOf", "anyOf"].some((k) => k in node) || /\/(then|else)$/.test(pointer);
        if (!combined && node.additionalProperties !== false && node.unevaluatedProperties !== false) {
          problems.push({ file, pointer, problem: "has properties but does not set additionalProperties: false" });
        }
        for (const [key, prop] of Object.entries(node.properties)) {
          if (!isObj(prop)) continue;
          const resolved = target(files, prop, id);
          if (!("description" in prop) && !("description" in resolved)) problems.push({ file, pointer: `${pointer}/properties/${key}`, problem: "has no description" });
          if (!("default" in prop) && !("default" in resolved)) problems.push({ file, pointer: `${pointer}/properties/${key}`, problem: "has no default" });
        }
      }
      for (const [k, v] of Object.entries(node)) {
        // `if` only tests values; `default`, `enum`, `const`, `examples` hold data, not schemas.
        if (k === "if" || k === "default" || k === "enum" || k === "const" || k === "examples") continue;
        if (k === "properties" && isObj(v)) for (const [pk, pv] of Object.entries(v)) walk(pv, `${pointer}/properties/${pk}`);
        else walk(v, `${pointer}/${k}`);
      }
    };
    walk(doc, "");
  }
  return problems;
}
