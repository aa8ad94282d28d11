// `${var}` substitution over the located tree. `${x}` looks up `vars.x`, then the recipe path `x` (`${model.d_model}`),
// then that path's default. A string that is exactly one reference takes the referenced value with its type; references
// inside longer text are turned into text. `$${` is a literal `${`. References may chain; cycles are errors.
import { makeIssue, type RecipeIssue } from "./errors.ts";
import { didYouMean } from "./hints.ts";
import { fromPlain, getAt, pointerSegment, toPlain, type LEntry, type LNode } from "./tree.ts";

const REF = /\$\$\{|\$\{([^}]*)\}/g;
const NAME = /^[A-Za-z_][\w-]*(\.[\w-]+)*$/;

export interface Substituted {
  readonly tree: LNode;
  readonly issues: readonly RecipeIssue[];
}

function pointerOf(path: readonly string[]): string {
  return path.map((s) => `/${pointerSegment(s)}`).join("");
}

/** Dotted paths of every node in the tree (for "did you mean"). */
function allPaths(node: LNode, prefix: string, out: string[]): string[] {
  if (node.kind === "map") {
    for (const [k, e] of node.entries) {
      const p = prefix ? `${prefix}.${k}` : k;
      out.push(p);
      if (p.startsWith("vars.")) out.push(p.slice(5));
      allPaths(e.node, p, out);
    }
  }
  return out;
}

/**
 * Replaces references everywhere except in the root `extends` and in map keys.
 * `fallback(path)` gives the default at a recipe path for references to values the recipe does not write.
 */
export function substitute(root: LNode, fallback: (path: readonly string[]) => unknown): Substituted {
  const issues: RecipeIssue[] = [];
  const done = new Map<string, LNode>();
  const active: string[] = [];
  let names: string[] | undefined;

  const lookup = (ref: string, site: LNode, sitePath: readonly string[]): LNode | undefined => {
    const pointer = pointerOf(sitePath);
    if (!NAME.test(ref)) {
      issues.push(makeIssue(site.loc, pointer, `${pointer} has a malformed reference \`\${${ref}}\``, "write `${name}` or `${section.key}` (letters, digits, _ and -, joined by dots); `$${` for a literal `${`."));
      return undefined;
    }
    const segs = ref.split(".");
    for (const path of [["vars", ...segs], segs]) {
      const target = getAt(root, path);
      if (target) return resolve(target, path, site, sitePath);
    }
    const def = fallback(segs);
    if (def !== undefined) return fromPlain(def, site.loc, true);
    names ??= allPaths(root, "", []);
    issues.push(makeIssue(site.loc, pointer, `${pointer} references unknown variable \`\${${ref}}\``, didYouMean(ref, names, "defined variables").replace(/`([^`]+)`\?$/, "`${$1}`?")));
    return undefined;
  };

  const resolveString = (node: LNode & { kind: "scalar" }, text: string, path: readonly string[]): LNode => {
    const whole = text.match(/^\$\{([^}]*)\}$/);
    if (whole) {
      const value = lookup(whole[1]!.trim(), node, path);
      return value ? { ...value, loc: node.loc } : node;
    }
    let failed = false;
    const out = text.replace(REF, (m, ref: string | undefined) => {
      if (m === "$${") return "${";
      const value = lookup(ref!.trim(), node, path);
      if (!value) {
        failed = true;
        return m;
      }
      const plain = toPlain(value);
      return typeof plain === "string" ? plain : JSON.stringify(plain);
    });
    return failed ? node : { kind: "scalar", loc: node.loc, value: out, literal: true };
  };

  const resolve = (node: LNode, path: readonly string[], site?: LNode, sitePath?: readonly string[]): LNode => {
    const key = path.join("\u0000");
    const cached = done.get(key);
    if (cached) return cached;
    const at = active.indexOf(key);
    if (at >= 0) {
      const cycle = [...active.slice(at), key].map((k) => k.split("\u0000").join("."));
      const where = site ?? node;
      const pointer = pointerOf(sitePath ?? path);
      issues.push(makeIssue(where.loc, pointer, `${pointer} is part of a reference cycle: ${cycle.join(" → ")}`, "replace one of the references with a plain value."));
      return node;
    }
    active.push(key);
    let out: LNode = node;
    if (node.kind === "scalar") {
      if (typeof node.value === "string" && !node.literal && node.value.includes("${")) out = resolveString(node, node.value, path);
    } else if (node.kind === "seq") {
      out = { ...node, items: node.items.map((item, i) => resolve(item, [...path, String(i)])) };
    } else {
      const entries = new Map<string, LEntry>();
      for (const [k, e] of node.entries) {
        const skip = path.length === 0 && k === "extends";
        entries.set(k, skip ? e : { keyLoc: e.keyLoc, node: resolve(e.node, [...path, k]) });
      }
      out = { ...node, entries };
    }
    active.pop();
    done.set(key, out);
    return out;
  };

  const tree = resolve(root, []);
  return { tree, issues };
}

