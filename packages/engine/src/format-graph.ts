// Render a stage graph as Mermaid (flowchart) or Graphviz DOT text. Edges go upstream → downstream, labelled with
// the input name; file inputs are not drawn.

import { topoOrder } from "./graph.ts";
import type { StageDef } from "./types.ts";

export function toMermaid(graph: readonly StageDef[]): string {
  const order = topoOrder(graph);
  const ids = nodeIds(order);
  const lines = ["flowchart TD"];
  for (const s of order) lines.push(`  ${ids.get(s.id)}["${mermaidText(s.title ? `${s.id}: ${s.title}` : s.id)}<br/><small>${mermaidText(s.kind)}</small>"]`);
  for (const s of order) {
    for (const [name, inp] of sortedInputs(s)) if ("stage" in inp) lines.push(`  ${ids.get(inp.stage)} -->|${mermaidText(name)}| ${ids.get(s.id)}`);
  }
  return `${lines.join("\n")}\n`;
}

export function toDot(graph: readonly StageDef[]): string {
  const order = topoOrder(graph);
  const lines = ["digraph lathe {", "  rankdir=TB;", '  node [shape=box, fontname="Helvetica"];'];
  for (const s of order) {
    const label = `${s.title ? `${s.id}: ${s.title}` : s.id}\\n${s.kind}`;
    lines.push(`  ${dotString(s.id)} [label=${dotString(label, false)}${s.resource === "gpu" ? ", style=bold" : ""}];`);
  }
  for (const s of order) {
    for (const [name, inp] of sortedInputs(s)) if ("stage" in inp) lines.push(`  ${dotString(inp.stage)} -> ${dotString(s.id)} [label=${dotString(name)}];`);
  }
  lines.push("}");
  return `${lines.join("\n")}\n`;
}

/** Mermaid node ids must be simple: n0, n1, ... in order. */
function nodeIds(order: StageDef[]): Map<string, string> {
  return new Map(order.map((s, i) => [s.id, `n${i}`]));
}

function sortedInputs(s: StageDef) {
  return Object.entries(s.inputs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function mermaidText(s: string): string {
  return s.replace(/"/g, "#quot;").replace(/\|/g, "#124;").replace(/</g, "#lt;").replace(/>/g, "#gt;");
}

function dotString(s: string, escapeBackslash = true): string {
  return `"${(escapeBackslash ? s.replace(/\\/g, "\\\\") : s).replace(/"/g, '\\"')}"`;
}
