// The located tree: a recipe as parsed, where every map, list and scalar remembers where it was written.
// Merging (extends), overrides (--set, sweep trials) and ${var} substitution work on it; toPlain() then gives
// the plain value for ajv plus a pointer → location index to map validation errors back to the source.
import type { Loc } from "./errors.ts";

export type Scalar = string | number | boolean | null;

export type LNode =
  | { readonly kind: "map"; readonly loc: Loc; readonly entries: ReadonlyMap<string, LEntry> }
  | { readonly kind: "seq"; readonly loc: Loc; readonly items: readonly LNode[] }
  /** `literal`: already substituted (a value copied from a resolved recipe), so `${...}` in it is kept as text. */
  | { readonly kind: "scalar"; readonly loc: Loc; readonly value: Scalar; readonly literal?: boolean };

export interface LEntry {
  readonly keyLoc: Loc;
  readonly node: LNode;
}

/** Where a pointer's value (and, for map entries, its key) was written. */
export interface Located {
  readonly loc: Loc;
  readonly keyLoc?: Loc;
}

export type LocIndex = ReadonlyMap<string, Located>;

/** Escapes one JSON pointer segment (~ → ~0, / → ~1), as ajv does in instancePath. */
export function pointerSegment(key: string): string {
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** Builds a located tree from a plain value, every node at `loc` (for --set values and sampled sweep values). */
export function fromPlain(value: unknown, loc: Loc, literal = false): LNode {
  if (Array.isArray(value)) return { kind: "seq", loc, items: value.map((v) => fromPlain(v, loc, literal)) };
  if (value !== null && typeof value === "object") {
    const entries = new Map<string, LEntry>();
    for (const [k, v] of Object.entries(value)) entries.set(k, { keyLoc: loc, node: fromPlain(v, loc, literal) });
    return { kind: "map", loc, entries };
  }
  return { kind: "scalar", loc, value: value as Scalar, ...(literal ? { literal } : {}) };
}

/** The plain value of a tree, recording each pointer's location in `index`. */
export function toPlain(node: LNode, index?: Map<string, Located>, pointer = "", keyLoc?: Loc): unknown {
  index?.set(pointer, keyLoc ? { loc: node.loc, keyLoc } : { loc: node.loc });
  switch (node.kind) {
    case "scalar":
      return node.value;
    case "seq":
      return node.items.map((item, i) => toPlain(item, index, `${pointer}/${i}`));
    case "map": {
      const out: Record<string, unknown> = {};
      for (const [k, e] of node.entries) out[k] = toPlain(e.node, index, `${pointer}/${pointerSegment(k)}`, e.keyLoc);
      return out;
    }
  }
}

/** The node at a dotted path's segments, or undefined. */
export function getAt(node: LNode, path: readonly string[]): LNode | undefined {
  let cur: LNode | undefined = node;
  for (const seg of path) {
    if (cur?.kind === "map") cur = cur.entries.get(seg)?.node;
    else if (cur?.kind === "seq" && /^\d+$/.test(seg)) cur = cur.items[Number(seg)];
    else return undefined;
  }
  return cur;
}

/**
 * A copy of `root` with `value` at `path` (intermediate maps are created; copies only along the path).
 * Returns a string describing the problem when the path crosses a scalar or an out-of-range list index.
 */
export function setAt(root: LNode, path: readonly string[], value: LNode, keyLoc: Loc): LNode | string {
  const [seg, ...rest] = path;
  if (seg === undefined) return value;
  if (root.kind === "seq") {
    const i = /^\d+$/.test(seg) ? Number(seg) : -1;
    if (i < 0 || i > root.items.length) return `index ${seg} is outside the list of ${root.items.length}`;
    const child = root.items[i] ?? emptyFor(rest[0], keyLoc);
    const next = setAt(child, rest, value, keyLoc);
    if (typeof next === "string") return next;
    const items = [...root.items];
    items[i] = next;
    return { ...root, items };
  }
  if (root.kind === "scalar" && root.value !== null) return `it crosses the ${typeof root.value} value ${JSON.stringify(root.value)}`;
  const entries = new Map(root.kind === "map" ? root.entries : []);
  const old = entries.get(seg);
  const child: LNode = old?.node ?? emptyFor(rest[0], keyLoc);
  const next = setAt(child, rest, value, keyLoc);
  if (typeof next === "string") return next;
  entries.set(seg, { keyLoc: old?.keyLoc ?? keyLoc, node: next });
  return { kind: "map", loc: root.loc, entries };
}

/** A new container for the next path segment: a list for an index ("0"), else a map. */
function emptyFor(next: string | undefined, loc: Loc): LNode {
  return next !== undefined && /^\d+$/.test(next) ? { kind: "seq", loc, items: [] } : { kind: "map", loc, entries: new Map() };
}

/**
 * Deep merge for `extends`: maps merge key by key (`over` wins), anything else is replaced by `over`,
 * and a null in `over` removes the key.
 */
export function mergeTrees(base: LNode, over: LNode): LNode {
  if (base.kind !== "map" || over.kind !== "map") return over;
  const entries = new Map(base.entries);
  for (const [k, e] of over.entries) {
    if (e.node.kind === "scalar" && e.node.value === null) {
      entries.delete(k);
      continue;
    }
    const old = entries.get(k);
    entries.set(k, old ? { keyLoc: e.keyLoc, node: mergeTrees(old.node, e.node) } : e);
  }
  return { kind: "map", loc: over.loc, entries };
}
