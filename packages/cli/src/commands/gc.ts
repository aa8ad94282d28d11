// `lathe gc [recipes...]`: keep every stage key the current recipes plan (default all recipes/*.yaml), evict the
// rest (or, with --max-size/--max-age, only as much as needed). A recipe that fails to load stops gc: deleting
// what a broken recipe would have kept is the one mistake gc must not make.
import { gc, plan } from "@lathe/engine";
import { parseAge, parseSize, type ParsedArgs } from "../args.ts";
import { describeError } from "../errors.ts";
import { loadPlanned, recipePath } from "../load.ts";
import { formatBytes, plural } from "../ui/format.ts";
import { allRecipes, type Workspace } from "../workspace.ts";

export async function gcCommand(ws: Workspace, args: ParsedArgs): Promise<number> {
  const o = args.options;
  const given = args.positionals.recipes as string[];
  const files = given.length > 0 ? given.map((r) => recipePath(ws, "gc", r)) : allRecipes(ws);
  const keep = new Set<string>();
  for (const file of files) {
    let recipe;
    try {
      recipe = await loadPlanned(ws, file);
    } catch (e) {
      throw new GcRecipeError(file, e);
    }
    for (const p of await plan(recipe.graph, { cacheDir: ws.cacheDir, root: ws.root })) keep.add(p.key);
  }
  const report = await gc({
    cacheDir: ws.cacheDir,
    keep: [...keep],
    ...(o["max-size"] !== undefined ? { maxSizeBytes: parseSize("gc", "--max-size", o["max-size"] as string) } : {}),
    ...(o["max-age"] !== undefined ? { maxAgeMs: parseAge("gc", "--max-age", o["max-age"] as string) } : {}),
    dryRun: o.dry === true,
  });
  const verb = o.dry ? "would remove" : "removed";
  process.stdout.write(
    `gc: kept ${plural(report.keptKeys, "entry", "entries")} referenced by ${plural(files.length, "recipe")}; ` +
      `${verb} ${plural(report.removedKeys.length, "entry", "entries")} and ${plural(report.removedBlobs, "blob")} (${formatBytes(report.freedBytes)}); ` +
      `store ${o.dry ? "would be" : "is"} ${formatBytes(report.sizeBytes)}\n`,
  );
  return 0;
}

/** gc was asked to keep what a recipe needs, but the recipe does not load or plan. */
export class GcRecipeError extends Error {
  override readonly name = "GcRecipeError";
  constructor(
    readonly file: string,
    override readonly cause: unknown,
  ) {
    super(
      `lathe gc: cannot plan ${file}, so gc cannot tell which cache entries it needs; nothing was deleted. ` +
        `Hint: fix the recipe, or name the recipes to keep (lathe gc recipes/a.yaml ...).\n${describeError(cause)}`,
    );
  }
}
