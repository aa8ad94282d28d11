// Reads a recipe file and the chain of files it `extends`, and merges them (base first, each file over its base).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, dirname, relative, resolve } from "node:path";
import { makeIssue, type Loc, type RecipeIssue } from "./errors.ts";
import { closest, describeValue } from "./hints.ts";
import { parseYaml } from "./positions.ts";
import { mergeTrees, type LNode } from "./tree.ts";

export interface Chain {
  /** Absolute paths, the recipe itself first, then what it extends, transitively. */
  readonly files: readonly string[];
  /** The merged tree, or null when a file could not be read or parsed. */
  readonly tree: LNode | null;
  readonly issues: readonly RecipeIssue[];
}

function suggestFile(missing: string): string {
  const dir = dirname(missing);
  if (!existsSync(dir)) return `no folder ${dir}.`;
  const names = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
  const near = closest(basename(missing), names);
  return near ? `did you mean \`${near}\`?` : "the path is relative to the folder of the file that extends it.";
}

/** Reads `file` and everything it extends; `show(abs)` renders a path for messages. */
export function readChain(file: string, show: (abs: string) => string): Chain {
  const issues: RecipeIssue[] = [];
  const files: string[] = [];
  const trees: LNode[] = [];
  let current = resolve(file);
  let site: Loc = { file: show(current), line: 0, col: 0 };
  for (;;) {
    if (files.includes(current)) {
      const cycle = [...files.slice(files.indexOf(current)), current].map(show).join(" → ");
      issues.push(makeIssue(site, "/extends", `extends cycle: ${cycle}`, "remove the extends that points back."));
      break;
    }
    if (!existsSync(current)) {
      const message = files.length === 0 ? `recipe file not found: ${show(current)}` : `/extends points to a missing file: ${show(current)}`;
      issues.push(makeIssue(site, files.length === 0 ? "" : "/extends", message, suggestFile(current)));
      break;
    }
    files.push(current);
    const parsed = parseYaml(readFileSync(current, "utf8"), show(current));
    issues.push(...parsed.issues);
    const node = parsed.node ?? { kind: "map", loc: { file: show(current), line: 1, col: 1 }, entries: new Map() };
    if (parsed.issues.length > 0) break;
    if (node.kind !== "map") {
      issues.push(makeIssue(node.loc, "", `a recipe must be a map of sections, got ${node.kind === "seq" ? "a list" : describeValue(node.value)}`, "write `section: ...` lines, e.g. `train:`."));
      break;
    }
    trees.push(node);
    const ext = node.entries.get("extends")?.node;
    if (!ext || (ext.kind === "scalar" && ext.value === null)) break;
    if (ext.kind !== "scalar" || typeof ext.value !== "string" || ext.value.trim() === "") {
      const got = ext.kind === "scalar" ? describeValue(ext.value) : ext.kind === "seq" ? "a list" : "a map";
      issues.push(makeIssue(ext.loc, "/extends", `/extends must be a path to another recipe, got ${got}`, "write `extends: base.yaml` (relative to this file)."));
      break;
    }
    site = ext.loc;
    current = resolve(dirname(current), ext.value);
  }
  if (issues.length > 0) return { files, tree: null, issues };
  const tree = trees.reduceRight<LNode | null>((base, over) => (base ? mergeTrees(base, over) : over), null);
  return { files, tree, issues };
}

/** Path for messages: relative to `cwd` unless that climbs out of it more than it helps. */
export function displayPath(cwd: string): (abs: string) => string {
  return (abs) => {
    const rel = relative(cwd, abs);
    return rel === "" ? "." : rel;
  };
}
