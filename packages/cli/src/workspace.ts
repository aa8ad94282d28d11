// Where lathe works: the repo root (nearest package.json with a "lathe" field, else this CLI's own repo), the cache
// directory (LATHE_CACHE or <root>/cache), the default recipe (package.json lathe.default) and recipe globbing.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

export interface Workspace {
  readonly root: string;
  readonly cacheDir: string;
  /** Absolute path of package.json lathe.default, when set. */
  readonly defaultRecipe?: string;
}

export function findWorkspace(cwd: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): Workspace {
  const root = findRoot(cwd) ?? resolve(import.meta.dir, "../../..");
  const cacheDir = env.LATHE_CACHE ? resolve(cwd, env.LATHE_CACHE) : join(root, "cache");
  const def = readLatheField(join(root, "package.json"))?.default;
  return { root, cacheDir, ...(typeof def === "string" ? { defaultRecipe: resolve(root, def) } : {}) };
}

/** All recipes/*.yaml (and .yml) of the workspace, sorted. */
export function allRecipes(ws: Workspace): string[] {
  const dir = join(ws.root, "recipes");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

function findRoot(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    if (readLatheField(join(dir, "package.json")) !== undefined) return dir;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

function readLatheField(pkg: string): Record<string, unknown> | undefined {
  if (!existsSync(pkg)) return undefined;
  try {
    const json = JSON.parse(readFileSync(pkg, "utf8")) as { lathe?: unknown };
    return json.lathe && typeof json.lathe === "object" ? (json.lathe as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
