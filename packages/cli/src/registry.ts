// The planner's registry of stage kinds, discovered rather than listed: a package contributes stage kinds by naming
// a module in its package.json ("lathe": { "stages": "./src/kinds.ts" }) that exports STAGE_KINDS. The CLI looks at
// the @lathe packages it depends on and registers producers before consumers (a package whose kinds consume an
// artifact comes after the packages whose kinds produce it), so adding a stage kind never touches the CLI.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { StageRegistry, type StageKind } from "@lathe/engine";
import type { PlanContext } from "@lathe/recipe";

interface PackageJson {
  readonly name: string;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly lathe?: { readonly stages?: string };
}

interface Contributor {
  readonly name: string;
  readonly deps: readonly string[];
  readonly kinds: readonly StageKind<PlanContext>[];
}

let cached: StageRegistry<PlanContext> | undefined;

/**
 * The registry of every stage kind the CLI's packages declare, loaded once per process. Synchronous (the kinds
 * modules are small and import nothing heavy), so help texts can list the stages.
 */
export function stageRegistry(): StageRegistry<PlanContext> {
  cached ??= discover();
  return cached;
}

function discover(): StageRegistry<PlanContext> {
  const own = JSON.parse(readFileSync(join(import.meta.dir, "..", "package.json"), "utf8")) as PackageJson;
  const contributors: Contributor[] = [];
  for (const dep of Object.keys(own.dependencies ?? {}).filter((d) => d.startsWith("@lathe/"))) {
    const dir = packageDir(dep);
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as PackageJson;
    if (!pkg.lathe?.stages) continue;
    const mod = require(join(dir, pkg.lathe.stages)) as { STAGE_KINDS?: readonly StageKind<PlanContext>[] };
    if (!mod.STAGE_KINDS) throw new Error(`${dep}: ${pkg.lathe.stages} (package.json lathe.stages) exports no STAGE_KINDS`);
    contributors.push({ name: dep, deps: Object.keys(pkg.dependencies ?? {}), kinds: mod.STAGE_KINDS });
  }
  const registry = new StageRegistry<PlanContext>();
  for (const c of producersFirst(contributors)) registry.register(...c.kinds);
  return registry;
}

/** The folder of an installed package (its package.json is not among its exports, so walk up from its entry). */
function packageDir(name: string): string {
  for (let d = dirname(Bun.resolveSync(name, import.meta.dir)); d !== dirname(d); d = dirname(d)) {
    const f = join(d, "package.json");
    if (existsSync(f) && (JSON.parse(readFileSync(f, "utf8")) as PackageJson).name === name) return d;
  }
  throw new Error(`cannot find the package.json of ${name}`);
}

/**
 * Contributors ordered so that each comes after those producing an artifact it consumes, or that it depends on;
 * ties keep name order. A cycle (two packages feeding each other) keeps the remaining ones in name order.
 */
export function producersFirst(all: readonly Contributor[]): Contributor[] {
  const needs = (a: Contributor, b: Contributor): boolean =>
    a !== b && (a.deps.includes(b.name) || a.kinds.some((k) => Object.values(k.consumes).some((art) => b.kinds.some((p) => p.produces.includes(art)) && !a.kinds.some((p) => p.produces.includes(art)))));
  const left = [...all].sort((a, b) => a.name.localeCompare(b.name));
  const out: Contributor[] = [];
  while (left.length > 0) {
    const i = left.findIndex((c) => !left.some((o) => needs(c, o)));
    out.push(...left.splice(i < 0 ? 0 : i, 1));
  }
  return out;
}
