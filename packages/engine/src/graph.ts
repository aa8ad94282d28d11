// Stage graph checks and order: duplicate ids, unknown { stage } inputs and cycles are GraphErrors naming the stages;
// topoOrder gives a deterministic order where every stage comes after its upstreams.

import { GraphError } from "./errors.ts";
import type { StageDef } from "./types.ts";

/** Upstream stage ids of a stage, in input-name order, without repeats. */
export function upstreamIds(s: StageDef): string[] {
  const out: string[] = [];
  for (const name of Object.keys(s.inputs).sort()) {
    const inp = s.inputs[name]!;
    if ("stage" in inp && !out.includes(inp.stage)) out.push(inp.stage);
  }
  return out;
}

/** Validate the graph and return its stages in dependency order (stable: ties keep the given order). */
export function topoOrder(graph: readonly StageDef[]): StageDef[] {
  const byId = new Map<string, StageDef>();
  for (const s of graph) {
    if (typeof s.id !== "string" || s.id === "") throw new GraphError("bad-stage", [String(s.id)], `a stage has an empty or non-string id (kind "${s.kind}"). Hint: give every StageDef a unique id.`);
    if (typeof s.run !== "function") throw new GraphError("bad-stage", [s.id], `stage "${s.id}" has no run() function.`);
    if (byId.has(s.id)) throw new GraphError("duplicate-id", [s.id], `two stages have the id "${s.id}" (kinds "${byId.get(s.id)!.kind}" and "${s.kind}"). Hint: stage ids must be unique within a graph; prefix trial stages, e.g. "trial-3/train".`);
    byId.set(s.id, s);
  }
  for (const s of graph) {
    for (const [name, inp] of Object.entries(s.inputs)) {
      if ("stage" in inp && !byId.has(inp.stage)) {
        const near = closest(inp.stage, [...byId.keys()]);
        throw new GraphError("unknown-input", [s.id, inp.stage], `stage "${s.id}" input "${name}" names unknown stage "${inp.stage}".${near ? ` Hint: did you mean "${near}"?` : " Hint: add that stage to the graph."}`);
      }
    }
  }
  // Depth-first with colors: finds a cycle (and reports it in order) or yields a post-order.
  const color = new Map<string, 0 | 1 | 2>();
  const order: StageDef[] = [];
  const stack: string[] = [];
  const visit = (id: string): void => {
    const c = color.get(id) ?? 0;
    if (c === 2) return;
    if (c === 1) {
      const cycle = [...stack.slice(stack.indexOf(id)), id];
      throw new GraphError("cycle", cycle, `the stage graph has a cycle: ${cycle.join(" → ")}. Hint: a stage cannot depend on its own output; remove one of these inputs.`);
    }
    color.set(id, 1);
    stack.push(id);
    const s = byId.get(id)!;
    for (const up of upstreamIds(s)) visit(up);
    stack.pop();
    color.set(id, 2);
    order.push(s);
  };
  for (const s of graph) visit(s.id);
  return order;
}

/** The closest id by edit distance, when it is close enough to be a likely typo. */
function closest(name: string, ids: string[]): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  for (const id of ids) {
    const d = editDistance(name, id);
    if (d < bestD) [best, bestD] = [id, d];
  }
  return best !== null && bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : null;
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}
