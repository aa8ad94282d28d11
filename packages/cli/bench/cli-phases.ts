// Child of `bun run bench cli`: where a fully cached `lathe build` spends its time, phase by phase, in one fresh
// process (cold imports, as the CLI pays them). Usage: bun cli-phases.ts <recipe> [until]; LATHE_CACHE must hold its
// build. Prints one JSON object of milliseconds per phase. Mirrors commands/build.ts + load.ts, without a renderer.
import { findWorkspace } from "../src/workspace.ts";

const t0 = performance.now();
let last = t0;
const phases: Record<string, number> = {};
const lap = (name: string) => {
  const now = performance.now();
  phases[name] = Math.round((now - last) * 10) / 10;
  last = now;
};

const [file, until] = process.argv.slice(2) as [string, string | undefined];
const engine = await import("@lathe/engine");
lap("importEngine");
const recipe = await import("@lathe/recipe");
lap("importRecipe");
recipe.loadSchema();
lap("loadSchema");
const loaded = await recipe.loadRecipe(file, {});
const contexts = recipe.planContexts(loaded);
lap("loadRecipe");
const { stageRegistry } = await import("../src/registry.ts");
const { kindsUntil, planTrial, recipeKinds } = await import("../src/plan.ts");
const { upstreamOf, writtenSections } = await import("../src/load.ts");
const registry = stageRegistry();
lap("registry");
const kinds = until === undefined ? recipeKinds(registry, writtenSections(loaded)) : kindsUntil(registry, until);
await registry.load(kinds);
lap("importStages");
const all = (await Promise.all(contexts.map((ctx) => planTrial(registry, ctx, kinds)))).flat().map((s) => s.def);
const graph = until === undefined ? all : upstreamOf(all, contexts.map((c) => c.id(until)));
lap("planStages");
const ws = findWorkspace();
const summary = await engine.build(graph, { cacheDir: ws.cacheDir, root: ws.root });
lap("engineBuild");
if (!summary.stages.every((s) => s.status === "cached")) throw new Error(`${file}: not fully cached`);
phases.total = Math.round((performance.now() - t0) * 10) / 10;
process.stdout.write(`${JSON.stringify({ stages: graph.length, phases })}\n`);
