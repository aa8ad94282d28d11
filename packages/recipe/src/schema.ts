// The compiled recipe schema, plus the schema walks ajv does not do for us: which keys a dotted path may use (for
// --set and sweep keys) and defaults inside oneOf/anyOf branches (ajv skips those).
// Compiling the schemas takes a few hundred ms, so the compiled validators are also written as standalone code to
// packages/recipe/node_modules/.cache/, keyed by a hash of the schema files; later processes load that instead.
import type { ValidateFunction } from "ajv/dist/2020.js";
import standaloneCode from "ajv/dist/standalone/index.js";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { branchPointers, createAjv, validatorHash } from "./compile.ts";
import { DEFAULT_SCHEMA_DIR, readSchemaFiles, resolveRef, rootWithSectionDefaults, type SchemaAt, type SchemaFiles, type SchemaObject } from "./schema-files.ts";

export interface RecipeSchema {
  readonly dir: string;
  readonly files: SchemaFiles;
  /** The root schema as compiled (section properties carry their section's default). */
  readonly root: SchemaObject;
  readonly validate: ValidateFunction;
  /** The validator of one oneOf/anyOf branch, by `uri#pointer`. */
  branch(pointer: string): ValidateFunction | undefined;
  /** `uri#pointer` of a schema object that ajv reports as an error's parentSchema. */
  locate(node: object): string | undefined;
}

/** Where compiled validators are kept between processes. */
export const VALIDATOR_CACHE_DIR = join(import.meta.dir, "..", "node_modules", ".cache", "lathe-recipe");

const cache = new Map<string, RecipeSchema>();
const require = createRequire(import.meta.url);

interface Compiled {
  readonly validate: ValidateFunction;
  readonly branches: Readonly<Record<string, ValidateFunction>>;
}

function cachedValidators(hash: string): Compiled | undefined {
  try {
    const mod = require(join(VALIDATOR_CACHE_DIR, `${hash}.cjs`)) as { hash?: string; validate: ValidateFunction; branches: Record<string, ValidateFunction> };
    return mod.hash === hash ? mod : undefined;
  } catch {
    return undefined;
  }
}

/** Compiles with ajv, and writes the standalone code for the next process (best effort, atomic). */
function compileAndCache(files: SchemaFiles, hash: string): Compiled {
  const ajv = createAjv(files, true);
  const pointers = branchPointers(files);
  const branches: Record<string, ValidateFunction> = {};
  for (const p of pointers) branches[p] = ajv.getSchema(p)!;
  const compiled = { validate: ajv.getSchema(files.rootId)!, branches };
  try {
    const refs: Record<string, string> = { validate: files.rootId };
    pointers.forEach((p, i) => (refs[`branch${i}`] = p));
    let code = standaloneCode(ajv, refs);
    // Runtime helpers by absolute path, so the file works wherever the cache dir sits.
    code = code.replace(/require\("(ajv\/dist\/runtime\/[\w-]+)"\)/g, (_m, id: string) => `require(${JSON.stringify(require.resolve(id))})`);
    code += `\nexports.hash = ${JSON.stringify(hash)};\nexports.branches = {${pointers.map((p, i) => `${JSON.stringify(p)}: exports.branch${i}`).join(", ")}};\n`;
    mkdirSync(VALIDATOR_CACHE_DIR, { recursive: true });
    const file = join(VALIDATOR_CACHE_DIR, `${hash}.cjs`);
    writeFileSync(`${file}.${process.pid}.tmp`, code);
    renameSync(`${file}.${process.pid}.tmp`, file);
  } catch {
    // A read-only checkout only loses the speed-up.
  }
  return compiled;
}

function structuralIndex(files: SchemaFiles, root: SchemaObject): Map<string, string> {
  const index = new Map<string, string>();
  const walk = (node: unknown, pointer: string): void => {
    if (node === null || typeof node !== "object") return;
    const key = JSON.stringify(node);
    if (!index.has(key)) index.set(key, pointer);
    for (const [k, v] of Object.entries(node)) walk(v, `${pointer}/${k.replace(/~/g, "~0").replace(/\//g, "~1")}`);
  };
  for (const [id, doc] of files.docs) walk(id === files.rootId ? root : doc, `${id}#`);
  return index;
}

/** Loads the schemas in `dir` once per process. Throws SchemaError when a schema is broken. */
export function loadSchema(dir = DEFAULT_SCHEMA_DIR): RecipeSchema {
  const hit = cache.get(dir);
  if (hit) return hit;
  const files = readSchemaFiles(dir);
  const hash = validatorHash(files).replace(/[^\w.-]+/g, "_");
  const compiled = cachedValidators(hash) ?? compileAndCache(files, hash);
  const root = rootWithSectionDefaults(files);
  let index: Map<string, string> | undefined;
  const schema: RecipeSchema = {
    dir,
    files,
    root,
    validate: compiled.validate,
    branch: (pointer) => compiled.branches[pointer],
    locate: (node) => (index ??= structuralIndex(files, root)).get(JSON.stringify(node)),
  };
  cache.set(dir, schema);
  return schema;
}

/** The root schema as a walk starting point. */
export function rootAt(schema: RecipeSchema): SchemaAt {
  return { schema: schema.root, base: schema.files.rootId, pointer: `${schema.files.rootId}#` };
}

/** A node and everything it combines with: $ref targets, allOf/oneOf/anyOf branches, then/else. */
export function expand(schema: RecipeSchema, at: SchemaAt, out: SchemaAt[] = [], depth = 0): SchemaAt[] {
  if (depth > 32) return out;
  out.push(at);
  const s = at.schema;
  if (typeof s.$ref === "string") expand(schema, resolveRef(schema.files, s.$ref, at.base), out, depth + 1);
  for (const k of ["allOf", "oneOf", "anyOf"]) {
    const branches = s[k];
    if (Array.isArray(branches)) {
      branches.forEach((b, i) => expand(schema, { schema: b as SchemaObject, base: at.base, pointer: `${at.pointer}/${k}/${i}` }, out, depth + 1));
    }
  }
  for (const k of ["then", "else"]) {
    const b = s[k];
    if (b && typeof b === "object") expand(schema, { schema: b as SchemaObject, base: at.base, pointer: `${at.pointer}/${k}` }, out, depth + 1);
  }
  return out;
}

/** What one path segment may be below a schema node. */
export type ChildLookup =
  | { readonly kind: "found"; readonly children: readonly SchemaAt[] }
  | { readonly kind: "open" }
  | { readonly kind: "unknown"; readonly allowed: readonly string[] };

function isObj(v: unknown): v is SchemaObject {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** The schemas that apply to child `seg` of a value described by `at`. */
export function childOf(schema: RecipeSchema, at: SchemaAt, seg: string): ChildLookup {
  const children: SchemaAt[] = [];
  const allowed = new Set<string>();
  let closed = false;
  for (const node of expand(schema, at)) {
    const s = node.schema;
    const props = isObj(s.properties) ? s.properties : undefined;
    if (props) for (const k of Object.keys(props)) allowed.add(k);
    if (props && isObj(props[seg])) {
      children.push({ schema: props[seg] as SchemaObject, base: node.base, pointer: `${node.pointer}/properties/${seg}` });
      continue;
    }
    if (isObj(s.patternProperties)) {
      for (const [pattern, sub] of Object.entries(s.patternProperties)) {
        if (new RegExp(pattern, "u").test(seg) && isObj(sub)) children.push({ schema: sub, base: node.base, pointer: `${node.pointer}/patternProperties/${pattern}` });
      }
    }
    if (/^\d+$/.test(seg) && isObj(s.items)) children.push({ schema: s.items, base: node.base, pointer: `${node.pointer}/items` });
    else if (isObj(s.additionalProperties)) children.push({ schema: s.additionalProperties, base: node.base, pointer: `${node.pointer}/additionalProperties` });
    else if (s.additionalProperties === false || s.unevaluatedProperties === false) closed = true;
  }
  if (children.length > 0) return { kind: "found", children };
  if (closed) return { kind: "unknown", allowed: [...allowed] };
  return { kind: "open" };
}

/** Checks a dotted path against the schema: undefined when it may exist, else where it goes wrong. */
export function checkPath(schema: RecipeSchema, path: readonly string[]): { readonly at: number; readonly allowed: readonly string[] } | undefined {
  let level: readonly SchemaAt[] = [rootAt(schema)];
  for (let i = 0; i < path.length; i++) {
    const next: SchemaAt[] = [];
    const allowed = new Set<string>();
    let unknown = 0;
    for (const at of level) {
      const r = childOf(schema, at, path[i]!);
      if (r.kind === "open") return undefined;
      if (r.kind === "found") next.push(...r.children);
      else {
        unknown++;
        for (const a of r.allowed) allowed.add(a);
      }
    }
    if (next.length === 0) return { at: i, allowed: [...allowed] };
    level = next;
  }
  return undefined;
}

/**
 * Fills defaults inside the oneOf/anyOf branch each value matches (ajv's useDefaults skips composite keywords),
 * walking the validated data in place.
 */
export function fillBranchDefaults(schema: RecipeSchema, data: unknown, at: SchemaAt = rootAt(schema), depth = 0): void {
  if (data === null || typeof data !== "object" || depth > 64 || !hasComposite(schema, at)) return;
  const s = at.schema;
  if (typeof s.$ref === "string") fillBranchDefaults(schema, data, resolveRef(schema.files, s.$ref, at.base), depth + 1);
  if (Array.isArray(s.allOf)) s.allOf.forEach((b, i) => fillBranchDefaults(schema, data, { schema: b as SchemaObject, base: at.base, pointer: `${at.pointer}/allOf/${i}` }, depth + 1));
  // Nested oneOfs under then/else: each is only applied where one of its branches validates, so both are safe to visit.
  for (const k of ["then", "else"]) if (isObj(s[k])) fillBranchDefaults(schema, data, { schema: s[k] as SchemaObject, base: at.base, pointer: `${at.pointer}/${k}` }, depth + 1);
  for (const k of ["oneOf", "anyOf"]) {
    const branches = s[k];
    if (!Array.isArray(branches)) continue;
    for (let i = 0; i < branches.length; i++) {
      const pointer = `${at.pointer}/${k}/${i}`;
      const check = schema.branch(pointer);
      const copy = structuredClone(data);
      if (check && check(copy)) {
        replaceContents(data, copy);
        fillBranchDefaults(schema, data, { schema: branches[i] as SchemaObject, base: at.base, pointer }, depth + 1);
        break;
      }
    }
  }
  if (Array.isArray(data)) {
    if (isObj(s.items)) data.forEach((v, i) => fillBranchDefaults(schema, v, { schema: s.items as SchemaObject, base: at.base, pointer: `${at.pointer}/items` }, depth + 1));
    return;
  }
  const props = isObj(s.properties) ? s.properties : {};
  for (const [k, v] of Object.entries(data)) {
    const sub = isObj(props[k]) ? { schema: props[k] as SchemaObject, pointer: `${at.pointer}/properties/${k}` } : isObj(s.additionalProperties) ? { schema: s.additionalProperties, pointer: `${at.pointer}/additionalProperties` } : undefined;
    if (sub) fillBranchDefaults(schema, v, { ...sub, base: at.base }, depth + 1);
  }
}

const compositeMemo = new WeakMap<object, boolean>();

/** Whether a oneOf/anyOf is reachable from this schema node (most sections have none: skip them). */
function hasComposite(schema: RecipeSchema, at: SchemaAt): boolean {
  const known = compositeMemo.get(at.schema);
  if (known !== undefined) return known;
  compositeMemo.set(at.schema, false); // cycles through $ref add nothing new
  const s = at.schema;
  const subs: SchemaAt[] = [];
  if (typeof s.$ref === "string") subs.push(resolveRef(schema.files, s.$ref, at.base));
  const add = (v: unknown): void => {
    if (isObj(v)) subs.push({ schema: v, base: at.base, pointer: at.pointer });
  };
  for (const k of ["items", "additionalProperties", "then", "else"]) add(s[k]);
  if (Array.isArray(s.allOf)) s.allOf.forEach(add);
  if (isObj(s.properties)) Object.values(s.properties).forEach(add);
  const result = Array.isArray(s.oneOf) || Array.isArray(s.anyOf) || subs.some((sub) => hasComposite(schema, sub));
  compositeMemo.set(at.schema, result);
  return result;
}

function replaceContents(target: object, source: object): void {
  if (Array.isArray(target) && Array.isArray(source)) target.splice(0, target.length, ...source);
  else Object.assign(target, source);
}
