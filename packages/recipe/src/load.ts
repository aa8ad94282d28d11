// loadRecipe: file → checked recipe. Reads the extends chain, merges it, applies --set overrides, substitutes ${var}
// references, validates with defaults, and expands the sweep; every problem comes back at once as a RecipeError.
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, extname, join, resolve } from "node:path";
import { RecipeError, type RecipeIssue } from "./errors.ts";
import { displayPath, readChain } from "./extends.ts";
import type { Recipe } from "./generated/recipe.ts";
import { materialize } from "./materialize.ts";
import { parseSet } from "./overrides.ts";
import { DEFAULT_SCHEMA_DIR } from "./schema-files.ts";
import { loadSchema } from "./schema.ts";
import { buildTrials, planSweep, type Trial } from "./sweep.ts";
import { setAt, type LNode } from "./tree.ts";

export interface LoadOptions {
  /** Overrides like `train.lr=1e-3`; values are read as YAML, so that one is a number. */
  readonly set?: readonly string[];
  /** Directory that paths in messages are relative to (default: process.cwd()). */
  readonly cwd?: string;
  /** Repo root for PlanContext.root (default: the nearest folder above the recipe with a workspaces package.json). */
  readonly root?: string;
  /** Folder with recipe.schema.json and sections/ (default: the repo's schemas/). */
  readonly schemaDir?: string;
}

export interface LoadedRecipe {
  /** Absolute path of the recipe file. */
  readonly file: string;
  /** Repo root. */
  readonly root: string;
  /** Absolute paths of the recipe and every file it extends (what to watch or hash). */
  readonly files: readonly string[];
  /** The recipe with overrides, references and defaults applied; with a sweep, the base the trials vary. */
  readonly recipe: Recipe;
  /** The sweep's trials, each a full validated recipe; empty when the recipe has no sweep. */
  readonly trials: readonly Trial[];
  /** The merged tree with --set applied, before substitution (expandTrials starts from it). */
  readonly tree: LNode;
  readonly schemaDir: string;
}

/** The nearest ancestor of `dir` whose package.json declares workspaces, else `dir`. */
export function findRepoRoot(dir: string): string {
  for (let d = resolve(dir); ; d = dirname(d)) {
    const pkg = join(d, "package.json");
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, "utf8")) as { workspaces?: unknown }).workspaces) return d;
      } catch {
        // not a usable package.json: keep looking
      }
    }
    if (dirname(d) === d) return resolve(dir);
  }
}

/** Loads, checks and expands a recipe. Throws RecipeError (every issue of the recipe) when anything is wrong. */
export async function loadRecipe(file: string, opts: LoadOptions = {}): Promise<LoadedRecipe> {
  const cwd = opts.cwd ?? process.cwd();
  const abs = resolve(cwd, file);
  const schemaDir = opts.schemaDir ?? DEFAULT_SCHEMA_DIR;
  const schema = loadSchema(schemaDir);
  const chain = readChain(abs, displayPath(cwd));
  if (!chain.tree) throw new RecipeError(chain.issues);

  const issues: RecipeIssue[] = [];
  let tree = chain.tree;
  for (const arg of opts.set ?? []) {
    const parsed = parseSet(arg, schema);
    issues.push(...parsed.issues);
    if (!parsed.override) continue;
    const next = setAt(tree, parsed.override.path, parsed.override.node, parsed.override.loc);
    if (typeof next === "string") issues.push({ ...parsed.override.loc, pointer: "", message: `cannot set ${parsed.override.path.join(".")}: ${next}`, hint: "set a key inside a map." });
    else tree = next;
  }

  const base = materialize(schema, tree);
  issues.push(...base.issues);
  const recipe = base.value as unknown as Recipe;
  // The sweep's own checks need a well-formed sweep, not a valid rest of the recipe: report both at once.
  const sweepOk = !base.issues.some((i) => i.pointer === "/sweep" || i.pointer.startsWith("/sweep/"));
  const plan = sweepOk ? planSweep(schema, recipe, base.index, tree) : undefined;
  issues.push(...(plan?.issues ?? []));
  if (issues.length > 0) throw new RecipeError(issues);
  const fallbackName = basename(abs, extname(abs));
  if (recipe.name === "") recipe.name = fallbackName;
  const trials = buildTrials(schema, tree, plan!, fallbackName);
  return { file: abs, root: opts.root ?? findRepoRoot(dirname(abs)), files: chain.files, recipe, trials, tree, schemaDir };
}

/** The trials of a loaded recipe, recomputed from its tree (the same as `loaded.trials`); [] without a sweep. */
export function expandTrials(loaded: LoadedRecipe): Trial[] {
  const schema = loadSchema(loaded.schemaDir);
  const base = materialize(schema, loaded.tree);
  if (base.issues.length > 0) throw new RecipeError(base.issues);
  const recipe = base.value as unknown as Recipe;
  const fallbackName = basename(loaded.file, extname(loaded.file));
  return buildTrials(schema, loaded.tree, planSweep(schema, recipe, base.index, loaded.tree), fallbackName);
}
