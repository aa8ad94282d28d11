// The compiled recipe schema: validators for the root and for every oneOf/anyOf branch.
// Compiling the schemas takes a few hundred ms, so the compiled validators are also written as standalone code to
// packages/recipe/node_modules/.cache/, keyed by a hash of the schema files; later processes load that instead.
import type { ValidateFunction } from "ajv/dist/2020.js";
import type standaloneCodeFn from "ajv/dist/standalone/index.js";
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { branchPointers, createAjv, validatorHash } from "./compile.ts";
import { DEFAULT_SCHEMA_DIR, readSchemaFiles, rootWithSectionDefaults, type SchemaAt, type SchemaFiles, type SchemaObject } from "./schema-files.ts";

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
  /** True when the validators came from the cache of an earlier process rather than a fresh compile. */
  readonly cached: boolean;
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
    const standaloneCode = (require("ajv/dist/standalone/index.js") as { default: typeof standaloneCodeFn }).default;
    let code = standaloneCode(ajv, refs);
    // Runtime helpers by absolute path, so the file works wherever the cache dir sits.
    code = code.replace(/require\("(ajv\/dist\/runtime\/[\w-]+)"\)/g, (_m, id: string) => `require(${JSON.stringify(require.resolve(id))})`);
    code += `\nexports.hash = ${JSON.stringify(hash)};\nexports.branches = {${pointers.map((p, i) => `${JSON.stringify(p)}: exports.branch${i}`).join(", ")}};\n`;
    mkdirSync(VALIDATOR_CACHE_DIR, { recursive: true });
    const file = join(VALIDATOR_CACHE_DIR, `${hash}.cjs`);
    writeFileSync(`${file}.${process.pid}.tmp`, code);
    renameSync(`${file}.${process.pid}.tmp`, file);
    prune();
  } catch {
    // A read-only checkout only loses the speed-up.
  }
  return compiled;
}

/** Keeps the newest few compiles (each schema edit makes a new one). */
function prune(keep = 16): void {
  const entries = readdirSync(VALIDATOR_CACHE_DIR)
    .filter((f) => f.endsWith(".cjs"))
    .map((f) => ({ path: join(VALIDATOR_CACHE_DIR, f), mtime: statSync(join(VALIDATOR_CACHE_DIR, f)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const e of entries.slice(keep)) rmSync(e.path, { force: true });
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
  const hash = validatorHash(files);
  const fromCache = cachedValidators(hash);
  const compiled = fromCache ?? compileAndCache(files, hash);
  const root = rootWithSectionDefaults(files);
  let index: Map<string, string> | undefined;
  const schema: RecipeSchema = {
    dir,
    files,
    root,
    validate: compiled.validate,
    branch: (pointer) => compiled.branches[pointer],
    locate: (node) => (index ??= structuralIndex(files, root)).get(JSON.stringify(node)),
    cached: fromCache !== undefined,
  };
  cache.set(dir, schema);
  return schema;
}

/** The root schema as a walk starting point. */
export function rootAt(schema: RecipeSchema): SchemaAt {
  return { schema: schema.root, base: schema.files.rootId, pointer: `${schema.files.rootId}#` };
}
