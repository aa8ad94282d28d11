// Schema walks that ajv does not do for us: which keys a dotted path may use (for --set and sweep keys), and
// defaults inside oneOf/anyOf branches (ajv's useDefaults skips composite keywords).
import { resolveRef, type SchemaAt, type SchemaObject } from "./schema-files.ts";
import { rootAt, type RecipeSchema } from "./schema.ts";

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
