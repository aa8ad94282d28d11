// Where the recipe schemas live on disk (repo-root `schemas/`), reading them, and following their $refs.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** `<repo>/schemas`, found from this file's location in packages/recipe/src. */
export const DEFAULT_SCHEMA_DIR = join(import.meta.dir, "..", "..", "..", "schemas");

export type SchemaObject = { readonly [k: string]: unknown };

/** The root schema and every `sections/*.schema.json`, keyed by their `$id` URI. */
export interface SchemaFiles {
  readonly rootId: string;
  readonly docs: ReadonlyMap<string, SchemaObject>;
  /** `$id` URI → file path relative to the schema dir, for messages. */
  readonly files: ReadonlyMap<string, string>;
  /** Hash of every file's text (what precompiled validators were made from). */
  readonly hash: string;
}

export class SchemaError extends Error {
  override readonly name = "SchemaError";
  constructor(readonly file: string, readonly detail: string, options?: { cause?: unknown }) {
    super(`${file}: ${detail}`, options);
  }
}

function readJson(path: string, shown: string, texts: string[]): SchemaObject {
  try {
    const text = readFileSync(path, "utf8");
    texts.push(shown, text);
    return JSON.parse(text) as SchemaObject;
  } catch (cause) {
    throw new SchemaError(shown, `cannot read schema: ${(cause as Error).message}`, { cause });
  }
}

/** Reads the schema files; each must have an `$id` (sections resolve relative refs against it). */
export function readSchemaFiles(schemaDir: string): SchemaFiles {
  const docs = new Map<string, SchemaObject>();
  const files = new Map<string, string>();
  const texts: string[] = [];
  const add = (rel: string): string => {
    const doc = readJson(join(schemaDir, rel), `schemas/${rel}`, texts);
    if (typeof doc.$id !== "string") throw new SchemaError(`schemas/${rel}`, "missing $id");
    docs.set(doc.$id, doc);
    files.set(doc.$id, `schemas/${rel}`);
    return doc.$id;
  };
  const rootId = add("recipe.schema.json");
  for (const f of readdirSync(join(schemaDir, "sections")).sort()) if (f.endsWith(".schema.json")) add(`sections/${f}`);
  return { rootId, docs, files, hash: Bun.hash(texts.join("\u0000")).toString(16) };
}

/** A schema node together with the URI its relative $refs resolve against, and its own `uri#pointer`. */
export interface SchemaAt {
  readonly schema: SchemaObject;
  readonly base: string;
  readonly pointer: string;
}

function unescape(seg: string): string {
  return decodeURIComponent(seg).replace(/~1/g, "/").replace(/~0/g, "~");
}

const resolved = new WeakMap<SchemaFiles, Map<string, SchemaAt>>();

/** Follows one `$ref` written in a schema at `base` (memoized: schema walks follow the same refs again and again). */
export function resolveRef(files: SchemaFiles, ref: string, base: string): SchemaAt {
  let memo = resolved.get(files);
  if (!memo) resolved.set(files, (memo = new Map()));
  const key = `${base}\u0000${ref}`;
  let hit = memo.get(key);
  if (!hit) memo.set(key, (hit = resolveRefUncached(files, ref, base)));
  return hit;
}

function resolveRefUncached(files: SchemaFiles, ref: string, base: string): SchemaAt {
  const url = new URL(ref, base);
  const fragment = url.hash.slice(1);
  url.hash = "";
  const docUri = url.toString();
  let node: unknown = files.docs.get(docUri);
  if (node === undefined) throw new SchemaError(files.files.get(base) ?? base, `$ref "${ref}" points to ${docUri}, which is not loaded`);
  for (const seg of fragment.split("/").slice(1)) node = (node as Record<string, unknown> | undefined)?.[unescape(seg)];
  if (node === null || typeof node !== "object") throw new SchemaError(files.files.get(base) ?? base, `$ref "${ref}" points to nothing`);
  return { schema: node as SchemaObject, base: docUri, pointer: `${docUri}#${fragment}` };
}

/** The root schema with each `$ref` property that has no default given its target's default (a section's own). */
export function rootWithSectionDefaults(files: SchemaFiles): SchemaObject {
  const root = files.docs.get(files.rootId)!;
  const props = { ...(root.properties as Record<string, SchemaObject>) };
  for (const [key, prop] of Object.entries(props)) {
    if (typeof prop.$ref !== "string" || "default" in prop) continue;
    const target = resolveRef(files, prop.$ref, files.rootId).schema;
    if ("default" in target) props[key] = { ...prop, default: target.default };
  }
  return { ...root, properties: props };
}
