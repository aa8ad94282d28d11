// Resumable checkpoints in scratchDir: ckpt-<step>/{model.safetensors, optim.safetensors, state.json}, committed by
// atomically replacing latest.json; older checkpoint dirs are removed after the commit.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Tensor } from "@lathe/gpu";
import type { LoaderState } from "@lathe/tokenizer";
import { CheckpointError } from "../errors.ts";
import { writeFileAtomic } from "../io/atomic.ts";
import { readSafetensors, type TensorMap, writeSafetensors } from "../io/safetensors.ts";
import type { Param } from "../nn/params.ts";

export interface TrainState {
  readonly step: number; // optimizer steps done
  readonly tokens: number; // training tokens consumed
  readonly loader: LoaderState; // data loader position (epoch, cursor)
  readonly elapsedMs: number; // training wall time so far (for time budgets)
  readonly configHash: string; // the model+train params this checkpoint belongs to
}

export interface OptimState {
  readonly m: Tensor[]; // one per param, same shape
  readonly v: Tensor[];
}

export async function tensorsOf(params: readonly Param[], prefix = "", pick: (p: Param, i: number) => Tensor = (p) => p.tensor): Promise<TensorMap> {
  const out: TensorMap = new Map();
  for (let i = 0; i < params.length; i++) {
    const p = params[i];
    out.set(prefix + p.name, { data: (await pick(p, i).read()) as Float32Array, shape: p.shape });
  }
  return out;
}

export async function saveCheckpoint(dir: string, params: readonly Param[], opt: OptimState, state: TrainState): Promise<string> {
  const name = `ckpt-${String(state.step).padStart(8, "0")}`;
  const ck = join(dir, name);
  rmSync(ck, { recursive: true, force: true });
  mkdirSync(ck, { recursive: true });
  writeSafetensors(join(ck, "model.safetensors"), await tensorsOf(params));
  const optim = await tensorsOf(params, "m.", (_, i) => opt.m[i]);
  for (const [k, v] of await tensorsOf(params, "v.", (_, i) => opt.v[i])) optim.set(k, v);
  writeSafetensors(join(ck, "optim.safetensors"), optim);
  writeFileAtomic(join(ck, "state.json"), `${JSON.stringify(state, null, 2)}\n`);
  writeFileAtomic(join(dir, "latest.json"), `${JSON.stringify({ checkpoint: name, step: state.step })}\n`); // commit point
  for (const d of readdirSync(dir)) if (d.startsWith("ckpt-") && d !== name) rmSync(join(dir, d), { recursive: true, force: true });
  return ck;
}

/** The committed checkpoint dir in scratchDir, or null when none. */
export function latestCheckpoint(dir: string): string | null {
  const f = join(dir, "latest.json");
  if (!existsSync(f)) return null;
  const { checkpoint } = JSON.parse(readFileSync(f, "utf8")) as { checkpoint: string };
  const ck = join(dir, checkpoint);
  return existsSync(join(ck, "state.json")) ? ck : null;
}

export function readState(ck: string): TrainState {
  return JSON.parse(readFileSync(join(ck, "state.json"), "utf8")) as TrainState;
}

/** Remove every checkpoint in dir (they belong to other settings). */
export function clearCheckpoints(dir: string): void {
  rmSync(join(dir, "latest.json"), { force: true });
  for (const d of readdirSync(dir)) if (d.startsWith("ckpt-")) rmSync(join(dir, d), { recursive: true, force: true });
}

/** Load weights and optimizer moments into existing tensors; returns the saved state. */
export function loadCheckpoint(ck: string, params: readonly Param[], opt: OptimState): TrainState {
  const state = readState(ck);
  const w = readSafetensors(join(ck, "model.safetensors")).tensors;
  const o = readSafetensors(join(ck, "optim.safetensors")).tensors;
  params.forEach((p, i) => {
    for (const [map, key, t] of [[w, p.name, p.tensor], [o, `m.${p.name}`, opt.m[i]], [o, `v.${p.name}`, opt.v[i]]] as const) {
      const saved = map.get(key);
      if (!saved || saved.data.length !== t.size) {
        throw new CheckpointError(ck, `tensor "${key}" is ${saved ? `[${saved.shape}]` : "missing"}, the model needs [${p.shape}]`, "the checkpoint belongs to another model; delete the scratch dir");
      }
      t.write(saved.data);
    }
  });
  return state;
}
