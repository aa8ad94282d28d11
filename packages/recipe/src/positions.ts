// YAML text → located tree: parses with `yaml` (keeping source positions through a LineCounter) and reports
// syntax errors, duplicate keys, bad aliases and non-string keys as RecipeIssues at their line:col.
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";
import { makeIssue, type Loc, type RecipeIssue } from "./errors.ts";
import type { LEntry, LNode, Scalar } from "./tree.ts";

const SYNTAX_HINTS: Record<string, string> = {
  TAB_AS_INDENT: "indent with spaces, not tabs.",
  MULTIPLE_DOCS: "a recipe is one YAML document; remove the `---` line.",
  BAD_INDENT: "check the indentation and the closing bracket.",
  MISSING_CHAR: "add the missing character.",
  BLOCK_AS_IMPLICIT_KEY: "put the nested map on its own indented lines.",
};

export interface ParsedYaml {
  /** The document's root, or null when the file is empty or could not be parsed. */
  readonly node: LNode | null;
  readonly issues: readonly RecipeIssue[];
}

/** Parses one recipe file's text; `file` is the path as shown in messages. */
export function parseYaml(text: string, file: string): ParsedYaml {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const locOf = (offset: number): Loc => ({ file, ...lines.linePos(offset) });
  const issues: RecipeIssue[] = [];
  let syntaxReported = false;
  for (const err of doc.errors) {
    const loc = locOf(err.pos[0]);
    if (err.code === "DUPLICATE_KEY") {
      const key = text.slice(err.pos[0]).match(/^["']?([^"':\n]*)/)?.[1]?.trim() ?? "";
      issues.push(makeIssue(loc, "", `duplicate key "${key}"`, "a key may appear once per map; remove or rename one of them."));
    } else if (!syntaxReported) {
      // Later syntax errors are almost always consequences of the first one.
      syntaxReported = true;
      issues.push(makeIssue(loc, "", `YAML syntax error: ${err.message.replace(/\.$/, "")}`, SYNTAX_HINTS[err.code] ?? ""));
    }
  }
  if (issues.length > 0) return { node: null, issues };
  const node = doc.contents ? convert(doc.contents, doc, locOf, issues, new Set()) : null;
  return { node, issues };
}

/** Adds the entries of `<<: map` or `<<: [map, ...]` (earlier maps win) that are not merged yet. */
function mergeKey(value: LNode, merged: Map<string, LEntry>, issues: RecipeIssue[]): void {
  const maps = value.kind === "seq" ? value.items : [value];
  for (const m of maps) {
    if (m.kind !== "map") {
      issues.push(makeIssue(m.loc, "", "a merge key `<<` takes a map or a list of maps", "write `<<: *anchor` where the anchor is a map."));
      continue;
    }
    for (const [k, e] of m.entries) if (!merged.has(k)) merged.set(k, e);
  }
}

function convert(node: Node, doc: Document, locOf: (o: number) => Loc, issues: RecipeIssue[], seen: Set<Node>): LNode {
  const loc = locOf(node.range?.[0] ?? 0);
  if (isAlias(node)) {
    const target = node.resolve(doc);
    if (!target) {
      issues.push(makeIssue(loc, "", `unknown alias *${node.source}`, "define the anchor &" + node.source + " before using it."));
      return { kind: "scalar", loc, value: null };
    }
    if (seen.has(target)) {
      issues.push(makeIssue(loc, "", `alias *${node.source} refers to itself`, "an alias cannot point into its own anchor."));
      return { kind: "scalar", loc, value: null };
    }
    const inner = convert(target, doc, locOf, issues, new Set([...seen, target]));
    return { ...inner, loc };
  }
  if (isMap(node)) {
    const entries = new Map<string, LEntry>();
    const merged = new Map<string, LEntry>();
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const keyNode = pair.key as Node | null;
      const keyLoc = keyNode?.range ? locOf(keyNode.range[0]) : loc;
      if (!isScalar(keyNode) || (keyNode.value !== null && typeof keyNode.value === "object")) {
        issues.push(makeIssue(keyLoc, "", "map keys must be plain names", "write the key as text, e.g. `lr:`."));
        continue;
      }
      const key = String(keyNode.value);
      const valueNode = pair.value as Node | null;
      const value: LNode = valueNode
        ? convert(valueNode, doc, locOf, issues, seen)
        : { kind: "scalar", loc: keyNode.range ? locOf(keyNode.range[1]) : keyLoc, value: null };
      if (key === "<<" && keyNode.type === "PLAIN") mergeKey(value, merged, issues);
      else entries.set(key, { keyLoc, node: value });
    }
    // YAML merge keys (`<<: *base`): merged entries first, keys written in the map win.
    return { kind: "map", loc, entries: new Map([...merged].filter(([k]) => !entries.has(k)).concat([...entries])) };
  }
  if (isSeq(node)) {
    return { kind: "seq", loc, items: node.items.map((item) => convert(item as Node, doc, locOf, issues, seen)) };
  }
  if (isScalar(node)) {
    const v = node.value;
    if (v === null || ["string", "number", "boolean"].includes(typeof v)) return { kind: "scalar", loc, value: v as Scalar };
    if (typeof v === "bigint") return { kind: "scalar", loc, value: Number(v) };
    return { kind: "scalar", loc, value: String(v) };
  }
  issues.push(makeIssue(loc, "", "unsupported YAML node", ""));
  return { kind: "scalar", loc, value: null };
}
