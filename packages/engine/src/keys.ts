// Stage keys: key = sha256(canonicalJson({kind, version, params, inputs, env})), where a { stage } input contributes
// the upstream key and a { files } input the content digest of each file (path relative to the build root).
// The KeyRecord keeps what went into a key, so explain can diff it against the last successful build.

import { statSync, readdirSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { canonicalJson, sha256Hex } from "./canonical.ts";
import { hashFile, type StatCache } from "./digest.ts";
import { CanonicalJsonError, InputFileError } from "./errors.ts";
import type { Json, StageDef } from "./types.ts";

/** Bump when the key material layout changes: every key changes with it. */
export const KEY_FORMAT = "lathe-key-1";

export type InputRecord =
  | { readonly stage: string; readonly key: string }
  /** [path relative to root, content digest] per file, directories expanded, in the order given. */
  | { readonly files: readonly (readonly [string, string])[] };

/** What went into one stage key. Stored with each successful build, so a later miss can be explained. */
export interface KeyRecord {
  readonly id: string;
  readonly kind: string;
  readonly version: string;
  readonly params: Json;
  readonly inputs: Readonly<Record<string, InputRecord>>;
  /** Env name → sha256 of its value (null when unset); values themselves are not stored. */
  readonly env: Readonly<Record<string, string | null>>;
}

export interface KeyedStage {
  readonly def: StageDef;
  readonly key: string;
  readonly record: KeyRecord;
  /** ctx.inputs for { files } inputs: absolute paths in the order given. */
  readonly filePaths: Readonly<Record<string, readonly string[]>>;
}

/** Compute keys for stages given in dependency order (see topoOrder). */
export async function computeKeys(order: readonly StageDef[], root: string, statCache: StatCache): Promise<Map<string, KeyedStage>> {
  const out = new Map<string, KeyedStage>();
  for (const def of order) {
    const inputs: Record<string, InputRecord> = {};
    const filePaths: Record<string, string[]> = {};
    for (const name of Object.keys(def.inputs).sort()) {
      const inp = def.inputs[name]!;
      if ("stage" in inp) {
        inputs[name] = { stage: inp.stage, key: out.get(inp.stage)!.key };
      } else {
        const abs = inp.files.map((f) => resolve(root, f));
        filePaths[name] = abs;
        const files: (readonly [string, string])[] = [];
        for (const f of abs) {
          for (const file of expand(def.id, name, f)) {
            let digest: string;
            try {
              digest = await hashFile(file, { statCache });
            } catch (e) {
              throw new InputFileError(def.id, name, file, { cause: e });
            }
            files.push([relative(root, file).split("\\").join("/"), digest]);
          }
        }
        inputs[name] = { files };
      }
    }
    const env: Record<string, string | null> = {};
    const envValues: Record<string, string | null> = {};
    for (const name of [...(def.env ?? [])].sort()) {
      const v = process.env[name];
      envValues[name] = v ?? null;
      env[name] = v === undefined ? null : sha256Hex(v).slice(0, 16);
    }
    const keyInputs: Record<string, Json> = {};
    for (const [name, r] of Object.entries(inputs)) keyInputs[name] = "stage" in r ? { stage: r.key } : { files: r.files.map(([p, d]) => [p, d]) };
    try {
      canonicalJson(def.params);
    } catch (e) {
      if (e instanceof CanonicalJsonError) throw new CanonicalJsonError(e.pointer, e.found, def.id);
      throw e;
    }
    const key = sha256Hex(canonicalJson({ format: KEY_FORMAT, kind: def.kind, version: def.version, params: def.params, inputs: keyInputs, env: envValues }));
    out.set(def.id, { def, key, record: { id: def.id, kind: def.kind, version: def.version, params: def.params, inputs, env }, filePaths });
  }
  return out;
}

/** A file stays itself; a directory becomes its files, recursively, sorted. */
function expand(stage: string, input: string, path: string): string[] {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    throw new InputFileError(stage, input, path, { cause: e });
  }
  if (!st.isDirectory()) return [path];
  const out: string[] = [];
  for (const name of readdirSync(path).sort()) out.push(...expand(stage, input, join(path, name)));
  return out;
}
