// plan(): keys, hit/miss and the explanation of every miss, without running anything (for --dry and explain).

import { StatCache } from "./digest.ts";
import { diffRecords } from "./explain.ts";
import { topoOrder, upstreamIds } from "./graph.ts";
import { computeKeys, type KeyedStage } from "./keys.ts";
import { Store } from "./store.ts";
import type { Change, PlannedStage, PlanOptions, StageDef } from "./types.ts";

export async function plan(graph: readonly StageDef[], opts: PlanOptions): Promise<PlannedStage[]> {
  const order = topoOrder(graph);
  const store = new Store(opts.cacheDir);
  const statCache = StatCache.load(opts.cacheDir);
  const keyed = await computeKeys(order, opts.root ?? process.cwd(), statCache);
  statCache.save();
  return order.map((def) => {
    const ks = keyed.get(def.id)!;
    const hit = store.has(ks.key);
    return {
      id: def.id,
      kind: def.kind,
      ...(def.title !== undefined ? { title: def.title } : {}),
      resource: def.resource ?? "cpu",
      key: ks.key,
      status: hit ? "hit" : "miss",
      changes: hit ? [] : explainMiss(store, ks),
      deps: upstreamIds(def),
      ...(hit ? { outDir: store.outDir(ks.key) } : {}),
      ...(def.machineDependent ? { machineDependent: def.machineDependent } : {}),
    } satisfies PlannedStage;
  });
}

/** Why this stage's key has no cached entry, relative to the last successful build of its id. */
export function explainMiss(store: Store, ks: KeyedStage): Change[] {
  const last = store.readLast(ks.def.id);
  if (last && last.key === ks.key) return [{ type: "new", detail: "same inputs as the last build, but its output is no longer in the cache (removed by gc)" }];
  const changes = diffRecords(last?.record ?? null, ks.record);
  if (changes.length === 0) changes.push({ type: "new", detail: "key changed with no recorded difference (engine key format changed)" });
  return changes;
}
