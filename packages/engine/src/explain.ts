// Explain a cache miss: diff the key record of a stage against the last successful build of the same stage id.
// Params are compared leaf by leaf (dotted paths), file inputs by path and digest, stage inputs by upstream key.

import { canonicalJson } from "./canonical.ts";
import type { InputRecord, KeyRecord } from "./keys.ts";
import type { Change, Json } from "./types.ts";

/** What changed from `last` (null: never built) to `now`. Empty when nothing in the records differs. */
export function diffRecords(last: KeyRecord | null, now: KeyRecord): Change[] {
  if (!last) return [{ type: "new", detail: "never built before" }];
  const out: Change[] = [];
  if (last.kind !== now.kind) out.push({ type: "kind", from: last.kind, to: now.kind });
  if (last.version !== now.version) out.push({ type: "version", from: last.version, to: now.version });
  diffJson(last.params, now.params, "", out);
  const names = [...new Set([...Object.keys(last.inputs), ...Object.keys(now.inputs)])].sort();
  for (const name of names) {
    const a = last.inputs[name];
    const b = now.inputs[name];
    if (!a) out.push({ type: "input", name, detail: "added" });
    else if (!b) out.push({ type: "input", name, detail: "removed" });
    else diffInput(name, a, b, out);
  }
  const envNames = [...new Set([...Object.keys(last.env), ...Object.keys(now.env)])].sort();
  for (const name of envNames) if (last.env[name] !== now.env[name]) out.push({ type: "env", name });
  return out;
}

function diffInput(name: string, a: InputRecord, b: InputRecord, out: Change[]): void {
  if ("stage" in a && "stage" in b) {
    if (a.key !== b.key || a.stage !== b.stage) out.push({ type: "upstream", stage: b.stage });
    return;
  }
  if ("files" in a && "files" in b) {
    const start = out.length;
    const before = new Map(a.files);
    const after = new Map(b.files);
    for (const [path, digest] of after) {
      const old = before.get(path);
      if (old === undefined) out.push({ type: "file", path, detail: "added" });
      else if (old !== digest) out.push({ type: "file", path, detail: "changed" });
    }
    for (const path of before.keys()) if (!after.has(path)) out.push({ type: "file", path, detail: "removed" });
    if (out.length === start && canonicalJson(a.files.map((f) => f[0])) !== canonicalJson(b.files.map((f) => f[0]))) out.push({ type: "input", name, detail: "changed" });
    return;
  }
  out.push({ type: "input", name, detail: "changed" }); // a stage input became a file input or back
}

function isObject(v: Json | undefined): v is { readonly [k: string]: Json } {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function diffJson(a: Json | undefined, b: Json | undefined, path: string, out: Change[]): void {
  if (isObject(a) && isObject(b)) {
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) diffJson(a[k], b[k], path ? `${path}.${k}` : k, out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    for (let i = 0; i < a.length; i++) diffJson(a[i], b[i], path ? `${path}.${i}` : String(i), out);
    return;
  }
  if (a === undefined && b === undefined) return;
  if (a !== undefined && b !== undefined && canonicalJson(a) === canonicalJson(b)) return;
  out.push({ type: "param", path: path || "(params)", from: a, to: b });
}

/** One line per change: `param train.lr 3e-4 → 1e-4`, `file data/a.txt changed`, `upstream tokenize changed`. */
export function formatChange(c: Change): string {
  switch (c.type) {
    case "new":
      return `new: ${c.detail}`;
    case "param":
      return `param ${c.path} ${formatValue(c.from)} → ${formatValue(c.to)}`;
    case "file":
      return `file ${c.path} ${c.detail}`;
    case "upstream":
      return `upstream ${c.stage} changed`;
    case "version":
      return `version ${c.from} → ${c.to}`;
    case "kind":
      return `kind ${c.from} → ${c.to}`;
    case "env":
      return `env ${c.name} changed`;
    case "input":
      return `input ${c.name} ${c.detail}`;
  }
}

/** Numbers in their shortest form (3e-4 rather than 0.0003), strings quoted, absent values as (unset). */
export function formatValue(v: Json | undefined): string {
  if (v === undefined) return "(unset)";
  if (typeof v === "number") {
    const plain = String(v);
    const exp = v.toExponential().replace("e+", "e");
    return exp.length < plain.length ? exp : plain;
  }
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
