// The parameters that differ between the trials of a sweep: each trial's full recipe flattened to dotted paths
// ("train.lr", "clean.1.min_doc_words"), compared path by path. A var and the fields it is substituted into vary
// together; only the first of such identical columns is kept (recipe order puts `vars` first).

/** Dotted path → leaf value. Arrays of objects are walked by index; arrays of scalars are one leaf. */
export function flattenRecipe(value: unknown, prefix = ""): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const walk = (v: unknown, path: string) => {
    const isObj = v !== null && typeof v === "object";
    const walkable = isObj && (!Array.isArray(v) || v.some((x) => x !== null && typeof x === "object"));
    if (!walkable || (isObj && Object.keys(v as object).length === 0)) {
      if (path !== "") out.set(path, v);
      return;
    }
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) walk(x, path === "" ? k : `${path}.${k}`);
  };
  walk(value, prefix);
  return out;
}

/** Paths no trial comparison shows: the name is shared, the sweep is emptied in every trial. */
const IGNORED = /^(name|sweep)(\.|$)/;

/**
 * The dotted paths whose values are not the same in every recipe, in recipe order, without a path whose values equal
 * an earlier path's trial by trial (a var and its substitutions). One recipe (no sweep) differs in nothing.
 */
export function differingParams(recipes: readonly unknown[]): string[] {
  if (recipes.length < 2) return [];
  const flat = recipes.map((r) => flattenRecipe(r));
  const paths: string[] = [];
  const seen = new Set<string>();
  for (const f of flat) for (const p of f.keys()) if (!seen.has(p) && !IGNORED.test(p)) (seen.add(p), paths.push(p));
  const kept: string[] = [];
  const vectors = new Set<string>();
  for (const p of paths) {
    const values = flat.map((f) => JSON.stringify(f.get(p)) ?? "undefined");
    if (values.every((v) => v === values[0])) continue;
    const vector = JSON.stringify(values);
    if (vectors.has(vector)) continue;
    vectors.add(vector);
    kept.push(p);
  }
  return kept;
}

/** The value at a dotted path of a recipe, as flattenRecipe sees it. */
export function paramValue(recipe: unknown, path: string): unknown {
  return flattenRecipe(recipe).get(path);
}
