// The --dry report and `lathe explain`: for each stage hit or miss, and for a miss every change that explains it.
import { formatChange, type PlannedStage } from "@lathe/engine";

/**
 * `lathe build --dry`: a header per recipe, one line per stage, then on the same line the machine-dependent mark (if
 * any) and the changes.
 */
export function formatDry(shown: string, planned: readonly PlannedStage[]): string {
  const misses = planned.filter((p) => p.status === "miss").length;
  const w = Math.max(...planned.map((p) => p.id.length), 2);
  const kw = Math.max(...planned.map((p) => p.kind.length), 2);
  return [
    `${shown}: ${planned.length} stages, ${planned.length - misses} cached, ${misses} to build`,
    ...planned.map((p) => {
      const mark = p.machineDependent ? `  (${machineMark(p.machineDependent)})` : "";
      const why = p.changes.map(formatChange).join("; ");
      return `  ${p.status === "hit" ? "hit " : "miss"}  ${p.id.padEnd(w)}  ${p.kind.padEnd(kw)}${mark}${why ? `  ${why}` : ""}`.trimEnd();
    }),
  ].join("\n");
}

/** `lathe explain`: one block per stage, each change on its own line. */
export function formatExplain(shown: string, planned: readonly PlannedStage[], only?: string): string {
  const misses = planned.filter((p) => p.status === "miss").length;
  const blocks = planned
    .filter((p) => only === undefined || p.id === only)
    .map((p) => {
      const head = `${p.id} (${p.kind}): ${p.status === "hit" ? "cached" : "will run"}`;
      const deps = p.deps.length > 0 ? [`  needs ${p.deps.join(", ")}`] : [];
      const machine = p.machineDependent ? [`  machine-dependent${p.machineDependent === true ? "" : ` (${p.machineDependent})`}: its output depends on this machine, so it is never shared through the remote cache`] : [];
      const body =
        p.status === "hit"
          ? [`  key ${p.key.slice(0, 16)}, output in ${p.outDir ?? "?"}`]
          : p.changes.map((c) => `  because ${formatChange(c)}`);
      return [head, ...body, ...machine, ...deps].join("\n");
    });
  const header = only === undefined ? [`${shown}: ${planned.length} stages, ${planned.length - misses} cached, ${misses} to build`, ""] : [];
  return [...header, blocks.join("\n\n")].join("\n");
}

/** "machine-dependent: time_budget 9.5m", or just "machine-dependent" when the stage gave no reason. */
function machineMark(m: true | string): string {
  return m === true ? "machine-dependent" : `machine-dependent: ${m}`;
}
