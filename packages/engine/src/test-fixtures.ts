// Fixture stage kinds for the engine's tests and benchmark (no ML): each writes small text outputs derived from its
// params and inputs, logs, and counts its executions (in memory, and in the file named by $LATHE_TEST_COUNTER so
// separate processes can be counted).

import { appendFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Json, StageContext, StageDef, StageInput } from "./types.ts";

/** Executions per stage id in this process. */
export const runs = new Map<string, number>();

/** Record one execution of stage `id`. */
export function count(id: string): void {
  runs.set(id, (runs.get(id) ?? 0) + 1);
  const file = process.env.LATHE_TEST_COUNTER;
  if (file) appendFileSync(file, `${id} ${process.pid}\n`);
}

/** Concatenate every file of every input (stage dirs and file lists) and params.text into out.txt. */
async function concatRun(ctx: StageContext): Promise<void> {
  count(ctx.id);
  const parts: string[] = [];
  for (const name of Object.keys(ctx.inputs).sort()) {
    const inp = ctx.inputs[name]!;
    if (typeof inp === "string") for (const f of readdirSync(inp).sort()) parts.push(readFileSync(join(inp, f), "utf8"));
    else for (const f of inp) parts.push(readFileSync(f, "utf8"));
  }
  const p = ctx.params as { text?: string; delayMs?: number; fail?: string };
  if (p.delayMs) await Bun.sleep(p.delayMs);
  if (p.fail) throw new Error(p.fail);
  parts.push(p.text ?? "");
  ctx.log(`${ctx.id}: ${parts.length} parts`);
  ctx.progress({ done: 1, total: 1, unit: "files" });
  ctx.metric("parts", parts.length);
  writeFileSync(join(ctx.outDir, "out.txt"), parts.join("|"));
}

export interface FixtureOptions {
  readonly kind?: string;
  readonly version?: string;
  readonly params?: Json;
  readonly deps?: readonly string[];
  readonly files?: readonly string[];
  readonly resource?: "cpu" | "gpu";
  readonly env?: readonly string[];
  readonly run?: (ctx: StageContext) => Promise<void>;
}

/** A fixture stage: by default "fixture.concat" over its deps (inputs dep0, dep1, ...) and files (input "files"). */
export function stage(id: string, o: FixtureOptions = {}): StageDef {
  const inputs: Record<string, StageInput> = {};
  (o.deps ?? []).forEach((d, i) => (inputs[`dep${i}`] = { stage: d }));
  if (o.files) inputs.files = { files: o.files };
  return {
    id,
    kind: o.kind ?? "fixture.concat",
    version: o.version ?? "1",
    params: o.params ?? { text: id },
    inputs,
    ...(o.resource ? { resource: o.resource } : {}),
    ...(o.env ? { env: o.env } : {}),
    run: o.run ?? concatRun,
  };
}

/** Writes params.chunks chunks of 64 KiB, params.delayMs apart, to out/big.bin: slow enough to be killed mid-write. */
export async function slowWriteRun(ctx: StageContext): Promise<void> {
  count(ctx.id);
  const p = ctx.params as { chunks: number; delayMs: number };
  mkdirSync(ctx.outDir, { recursive: true });
  const file = join(ctx.outDir, "big.bin");
  writeFileSync(file, "");
  for (let i = 0; i < p.chunks; i++) {
    appendFileSync(file, new Uint8Array(65536).fill(i & 255));
    if (i === 0) ctx.log("first chunk written");
    await Bun.sleep(p.delayMs);
  }
}

/** A linear chain a → b → c. */
export function chain(ids: readonly string[], params: Record<string, Json> = {}): StageDef[] {
  return ids.map((id, i) => stage(id, { params: params[id] ?? { text: id }, deps: i > 0 ? [ids[i - 1]!] : [] }));
}
