// `lathe status`: the cache at a glance: entries per stage kind with sizes, blob totals, and the latest runs.
import { status, type StoreStatus } from "@lathe/engine";
import type { ParsedArgs } from "../args.ts";
import { formatBytes, formatDuration } from "../ui/format.ts";
import type { Workspace } from "../workspace.ts";

export async function statusCommand(ws: Workspace, args: ParsedArgs): Promise<number> {
  const s = await status(ws.cacheDir);
  process.stdout.write(args.options.json ? `${JSON.stringify(s)}\n` : `${formatStatus(s)}\n`);
  return 0;
}

export function formatStatus(s: StoreStatus): string {
  const byKind = new Map<string, { n: number; bytes: number }>();
  for (const e of s.entries) {
    const k = byKind.get(e.kind) ?? { n: 0, bytes: 0 };
    k.n++;
    k.bytes += e.bytes;
    byKind.set(e.kind, k);
  }
  const kinds = [...byKind].sort((a, b) => a[0].localeCompare(b[0]));
  const kw = Math.max(4, ...kinds.map(([k]) => k.length));
  const lines = [
    `cache: ${s.cacheDir}`,
    `entries: ${s.entries.length} stage outputs, ${s.blobs} blobs, ${formatBytes(s.blobBytes)}`,
  ];
  if (kinds.length > 0) {
    lines.push("", "by kind:");
    for (const [kind, k] of kinds) lines.push(`  ${kind.padEnd(kw)}  ${String(k.n).padStart(4)}  ${formatBytes(k.bytes).padStart(9)}`);
  }
  lines.push("", s.lastRuns.length > 0 ? "last runs:" : "last runs: none yet (run lathe build)");
  for (const r of s.lastRuns.slice(0, 10)) {
    const counts = Object.entries(r.counts)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${n} ${k}`)
      .join(", ");
    lines.push(`  ${new Date(r.at).toISOString().replace("T", " ").slice(0, 19)}  ${r.ok ? "ok    " : "FAILED"}  ${formatDuration(r.durationMs).padStart(7)}  ${counts}${r.label === undefined ? "" : `  (${r.label})`}`);
  }
  return lines.join("\n");
}
