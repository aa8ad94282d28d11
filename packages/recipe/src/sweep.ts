// Sweep expansion: grid (cartesian) × zip (lists that change together) × random (seeded samples). Each trial is the
// base recipe with its overrides applied before ${var} substitution, validated on its own; errors name the trial.
import { RecipeError, makeIssue, type Loc, type RecipeIssue } from "./errors.ts";
import type { RandomParam, Recipe, Sweep } from "./generated/recipe.ts";
import { show } from "./hints.ts";
import { materialize } from "./materialize.ts";
import { pathIssues, pointerOfPath } from "./overrides.ts";
import { drawParam, mulberry32 } from "./random.ts";
import type { RecipeSchema } from "./schema.ts";
import { fromPlain, getAt, pointerSegment, setAt, type LNode, type LocIndex } from "./tree.ts";

/** At most this many trials per recipe; more is almost certainly a mistake in the grid. */
export const MAX_TRIALS = 10_000;

export interface Trial {
  /** 1-based position in the sweep. */
  readonly index: number;
  /** Stable name, also the stage-id prefix: `trial-3`. */
  readonly name: string;
  /** Dotted path → value this trial sets, for display: `{ "train.lr": 0.001 }`. */
  readonly overrides: Readonly<Record<string, unknown>>;
  /** The full recipe of this trial: validated, defaults applied, its sweep emptied. */
  readonly recipe: Recipe;
}

interface Point {
  readonly path: string;
  readonly value: unknown;
  readonly loc: Loc;
}

/** The sweep keys that expand a recipe into trials (a trial's own recipe has none of them). */
const EXPANDING = ["grid", "zip", "random"];

/** True when the recipe's sweep produces trials. */
export function hasSweep(sweep: Sweep): boolean {
  return Object.keys(sweep.grid).length > 0 || Object.keys(sweep.zip).length > 0 || sweep.random.n > 0;
}

function locAt(index: LocIndex, pointer: string, fallback: Loc): Loc {
  return index.get(pointer)?.loc ?? fallback;
}

function keyLocAt(index: LocIndex, pointer: string, fallback: Loc): Loc {
  const hit = index.get(pointer);
  return hit?.keyLoc ?? hit?.loc ?? fallback;
}

export interface SweepPlan {
  readonly points: readonly (readonly Point[])[];
  readonly issues: readonly RecipeIssue[];
}

/** Checks the sweep and lists each trial's overrides (grid × zip × random, grid's last key fastest). */
export function planSweep(schema: RecipeSchema, recipe: Recipe, index: LocIndex, tree: LNode): SweepPlan {
  const sweep = recipe.sweep;
  const issues: RecipeIssue[] = [];
  const here = locAt(index, "/sweep", { file: "<recipe>", line: 0, col: 0 });
  const seen = new Map<string, string>();
  const checkKey = (kind: string, key: string): void => {
    const pointer = `/sweep/${kind}/${pointerSegment(key)}`;
    issues.push(...pathIssues(schema, key, keyLocAt(index, pointer, here), pointer, ["extends", "sweep"]));
    const other = seen.get(key);
    if (other) issues.push(makeIssue(keyLocAt(index, pointer, here), pointer, `${key} is swept twice (in ${other} and ${kind})`, "sweep each path in one place."));
    seen.set(key, kind);
  };

  let grid: Point[][] = [[]];
  for (const [key, values] of Object.entries(sweep.grid)) {
    checkKey("grid", key);
    const base = `/sweep/grid/${pointerSegment(key)}`;
    grid = grid.flatMap((c) => values.map((value, i) => [...c, { path: key, value, loc: locAt(index, `${base}/${i}`, here) }]));
  }

  let zip: Point[][] = [[]];
  const zipped = Object.entries(sweep.zip);
  if (zipped.length > 0) {
    const [firstKey, firstValues] = zipped[0]!;
    for (const [key, values] of zipped) {
      checkKey("zip", key);
      if (values.length !== firstValues.length) {
        const pointer = `/sweep/zip/${pointerSegment(key)}`;
        issues.push(makeIssue(locAt(index, pointer, here), pointer, `${pointer} has ${values.length} values but /sweep/zip/${pointerSegment(firstKey)} has ${firstValues.length}`, "zipped lists change together, so they must have the same length."));
      }
    }
    zip = firstValues.map((_, i) => zipped.map(([key, values]) => ({ path: key, value: values[i], loc: locAt(index, `/sweep/zip/${pointerSegment(key)}/${i}`, here) })));
  }

  const random = randomPoints(schema, recipe, index, tree, here, checkKey, issues);
  const total = grid.length * zip.length * random.length;
  const limit = Math.min(sweep.limit ?? MAX_TRIALS, MAX_TRIALS);
  if (total > limit) {
    issues.push(makeIssue(here, "/sweep", `/sweep makes ${total} trials, more than sweep.limit (${limit})`, `sweep fewer values, use sweep.random with a smaller n, or raise sweep.limit (at most ${MAX_TRIALS}).`));
  }
  if (issues.length > 0) return { points: [], issues };
  const points = grid.flatMap((g) => zip.flatMap((z) => random.map((r) => [...g, ...z, ...r])));
  return { points: hasSweep(sweep) ? points : [], issues };
}

function randomPoints(
  schema: RecipeSchema,
  recipe: Recipe,
  index: LocIndex,
  tree: LNode,
  here: Loc,
  checkKey: (kind: string, key: string) => void,
  issues: RecipeIssue[],
): Point[][] {
  const { n, seed, params } = recipe.sweep.random;
  const entries = Object.entries(params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (n > 0 && entries.length === 0) {
    issues.push(makeIssue(locAt(index, "/sweep/random/n", here), "/sweep/random/n", `/sweep/random/n is ${n} but /sweep/random/params is empty`, "add params to sample, e.g. `train.lr: {min: 1e-4, max: 1e-2, log: true}`."));
  }
  if (n === 0 && entries.length > 0) {
    issues.push(makeIssue(locAt(index, "/sweep/random/params", here), "/sweep/random/params", "/sweep/random/params are given but /sweep/random/n is 0", "set n to the number of samples to draw."));
  }
  for (const [key, p] of entries) {
    checkKey("random", key);
    checkParam(key, p, index, tree, here, issues);
  }
  if (n === 0 || entries.length === 0) return [[]];
  const rng = mulberry32(seed ?? recipe.seed);
  return Array.from({ length: n }, () =>
    entries.map(([key, p]) => ({ path: key, value: drawParam(p, rng()), loc: locAt(index, `/sweep/random/params/${pointerSegment(key)}`, here) })),
  );
}

function checkParam(key: string, p: RandomParam, index: LocIndex, tree: LNode, here: Loc, issues: RecipeIssue[]): void {
  const pointer = `/sweep/random/params/${pointerSegment(key)}`;
  const written = getAt(tree, ["sweep", "random", "params", key]);
  const has = (k: string): boolean => written?.kind === "map" && written.entries.has(k);
  const at = (k: string): Loc => locAt(index, `${pointer}/${k}`, locAt(index, pointer, here));
  const range = ["min", "max", "log", "int"].filter(has);
  if (has("choices")) {
    if (range.length > 0) issues.push(makeIssue(at(range[0]!), `${pointer}/${range[0]}`, `${pointer} has both choices and ${range.join("/")}`, "use either choices or a min..max range."));
    else if (p.choices.length === 0) issues.push(makeIssue(at("choices"), `${pointer}/choices`, `${pointer}/choices must have at least 1 item, got 0 items`, "list the values to pick from."));
    return;
  }
  if (!has("min") || !has("max")) {
    issues.push(makeIssue(locAt(index, pointer, here), pointer, `${pointer} needs min and max, or choices`, "e.g. `{min: 1e-4, max: 1e-2, log: true}` or `{choices: [a, b]}`."));
    return;
  }
  if (p.min > p.max) issues.push(makeIssue(at("max"), `${pointer}/max`, `${pointer}/max must be >= min (${p.min}), got number ${p.max}`, "swap min and max."));
  else if (p.log && p.min <= 0) issues.push(makeIssue(at("min"), `${pointer}/min`, `${pointer}/min must be > 0 for a log range, got number ${p.min}`, "use a positive min, or drop `log: true`."));
  else if (p.int && Math.ceil(p.min) > Math.floor(p.max)) issues.push(makeIssue(at("min"), pointer, `${pointer} contains no whole number between ${p.min} and ${p.max}`, "widen the range, or drop `int: true`."));
}

function label(name: string, points: readonly Point[]): string {
  return `${name} (${points.map((p) => `${p.path}=${show(p.value)}`).join(", ")})`;
}

/**
 * Applies one trial's overrides to the base tree and validates it. The trial keeps the sweep's settings that apply
 * to each trial (early_stop, select, scaling) but not what expands it (grid, zip, random).
 */
export function buildTrial(schema: RecipeSchema, tree: LNode, points: readonly Point[], i: number, fallbackName: string): { trial?: Trial; issues: readonly RecipeIssue[] } {
  const name = `trial-${i + 1}`;
  let t: LNode = tree.kind === "map" ? { ...tree, entries: new Map([...tree.entries].flatMap(([k, e]): [string, typeof e][] => (k !== "sweep" ? [[k, e]] : e.node.kind === "map" ? [[k, { ...e, node: { ...e.node, entries: new Map([...e.node.entries].filter(([sk]) => !EXPANDING.includes(sk))) } }]] : []))) } : tree;
  for (const p of points) {
    const next = setAt(t, p.path.split("."), fromPlain(p.value, p.loc, true), p.loc);
    if (typeof next === "string") {
      return { issues: [makeIssue(p.loc, pointerOfPath(p.path.split(".")), `cannot set ${p.path}: ${next}`, "sweep a path that exists in the recipe.", label(name, points))] };
    }
    t = next;
  }
  const m = materialize(schema, t, label(name, points));
  if (m.issues.length > 0) return { issues: m.issues };
  const recipe = m.value as unknown as Recipe;
  if (recipe.name === "") recipe.name = fallbackName;
  const overrides = Object.fromEntries(points.map((p) => [p.path, p.value]));
  return { trial: { index: i + 1, name, overrides, recipe }, issues: [] };
}

/** Every trial of a plan; throws a RecipeError listing the problems of all failing trials. */
export function buildTrials(schema: RecipeSchema, tree: LNode, plan: SweepPlan, fallbackName: string): Trial[] {
  if (plan.issues.length > 0) throw new RecipeError(plan.issues);
  const issues: RecipeIssue[] = [];
  const trials: Trial[] = [];
  plan.points.forEach((points, i) => {
    const r = buildTrial(schema, tree, points, i, fallbackName);
    issues.push(...r.issues);
    if (r.trial) trials.push(r.trial);
  });
  if (issues.length > 0) throw new RecipeError(groupByTrial(issues));
  return trials;
}

/** The same problem in many trials is reported once, naming the first trial and how many others share it. */
function groupByTrial(issues: readonly RecipeIssue[]): RecipeIssue[] {
  const groups = new Map<string, RecipeIssue[]>();
  for (const issue of issues) {
    const key = JSON.stringify([issue.file, issue.line, issue.col, issue.pointer, issue.message]);
    groups.set(key, [...(groups.get(key) ?? []), issue]);
  }
  return [...groups.values()].map((g) => {
    const first = g[0]!;
    if (g.length === 1) return first;
    return { ...first, trial: `${first.trial} and ${g.length - 1} other trial${g.length === 2 ? "" : "s"}` };
  });
}
