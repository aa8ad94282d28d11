// Shared by inspect, sample and export: build a recipe up to some stages (cached stages cost nothing) with the
// build view on stderr, so stdout stays for the command's own output; then hand back their output directories.
import { build, plan } from "@lathe/engine";
import { selectRenderer } from "../ui/select.ts";
import { upstreamOf, type PlannedRecipe } from "../load.ts";
import type { Workspace } from "../workspace.ts";

/** A build needed by a domain command failed; its stage lines were already shown. */
export class PrerequisiteError extends Error {
  override readonly name = "PrerequisiteError";
  constructor(
    readonly command: string,
    readonly failed: readonly string[],
  ) {
    super(`lathe ${command}: building ${failed.join(", ")} failed (see above). Hint: fix it, then rerun; lathe build --plain shows the full log.`);
  }
}

export async function ensureBuilt(
  ws: Workspace,
  command: string,
  recipe: PlannedRecipe,
  targets: readonly string[],
  opts: { readonly plain?: boolean; readonly signal: AbortSignal },
): Promise<Map<string, string>> {
  const graph = upstreamOf(recipe.graph, targets);
  // All cached: no build, no build view.
  const planned = await plan(graph, { cacheDir: ws.cacheDir, root: ws.root });
  const hits = new Map(planned.flatMap((p) => (p.outDir ? [[p.id, p.outDir] as const] : [])));
  if (targets.every((t) => hits.has(t))) return hits;
  const renderer = await selectRenderer({ plain: opts.plain === true, stream: process.stderr, label: recipe.shown });
  let summary;
  try {
    summary = await build(graph, { cacheDir: ws.cacheDir, root: ws.root, label: recipe.shown, signal: opts.signal, onEvent: (e) => renderer.onEvent(e) });
  } finally {
    await renderer.close();
  }
  const out = new Map<string, string>();
  for (const s of summary.stages) if (s.outDir) out.set(s.id, s.outDir);
  const missing = targets.filter((t) => !out.has(t));
  if (!summary.ok || missing.length > 0) {
    throw new PrerequisiteError(command, summary.stages.filter((s) => s.status === "failed").map((s) => s.id).concat(missing).filter((v, i, a) => a.indexOf(v) === i));
  }
  return out;
}
