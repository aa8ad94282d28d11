// Expands tex.wgsl for a given block: ROWS rows x 4*CV columns per invocation, the row loop and the 32 k steps of
// a chunk unrolled at source level (subgroupBroadcast takes a constant lane; lavapipe keeps named values in
// registers but spills arrays). Blocks measured by bench/ablate.ts at 1024^3 on lavapipe, GFLOP/s from timestamp
// queries: 24 x 12 and 32 x 12 52, 32 x 16 51, 24 x 16 48, 32 x 8 45, 16 x 16 44, 48 x 8 35 (spills), against 28
// for fast.wgsl. 24 x 12 is used when N is a multiple of 96 (no wasted columns), else 32 x 8.
import template from "./tex.wgsl" with { type: "text" };

/** A block shape: rows per invocation and vec4 columns per lane. */
export interface TexBlock {
  readonly rows: number;
  readonly cv: number;
}
export const TEX_WIDE: TexBlock = { rows: 24, cv: 3 };
export const TEX_NARROW: TexBlock = { rows: 32, cv: 2 };

/** The block for an output of N columns. */
export function texBlock(N: number): TexBlock {
  return N % (32 * TEX_WIDE.cv) === 0 ? TEX_WIDE : TEX_NARROW;
}

const COMP = ["x", "y", "z", "w"] as const;

export function texMatmulSource({ rows, cv }: TexBlock): string {
  const R = [...Array(rows).keys()];
  const CS = [...Array(cv).keys()];
  const init: string[] = [];
  for (const c of CS) init.push(`let col${c} = min(colBase + ${8 * c}u, p.n4 - 1u);`);
  for (const r of R) init.push(`let arow${r} = aY + min(row0 + ${r}u, p.M - 1u);`);
  for (const r of R) for (const c of CS) init.push(`var acc${r}_${c} = vec4f(0.0);`);
  const chunk: string[] = [];
  for (const r of R) chunk.push(`let av${r} = textureLoad(At, vec2u(k4 + lane, arow${r}), 0);`);
  for (let kk = 0; kk < 32; kk++) for (const c of CS) chunk.push(`let b${kk}_${c} = textureLoad(Bt, vec2u(col${c}, bY + k + ${kk}u), 0);`);
  // Row-outer order: each row's 32 steps run together so its accumulators stay in registers.
  for (const r of R) {
    for (let kk = 0; kk < 32; kk++) {
      const upd = CS.map((c) => `acc${r}_${c} = fma(a, b${kk}_${c}, acc${r}_${c});`).join(" ");
      chunk.push(`{ let a = vec4f(subgroupBroadcast(av${r}.${COMP[kk % 4]}, ${kk >> 2}u)); ${upd} }`);
    }
  }
  const store: string[] = [];
  for (const r of R) for (const c of CS) store.push(`outv[${r * cv + c}] = acc${r}_${c};`);
  return template
    .replace("//@INIT", init.join("\n  "))
    .replace("//@CHUNK", chunk.join("\n    "))
    .replace("//@STORE", store.join("\n  "))
    .replaceAll("ROWS_CV", `${rows * cv}u`)
    .replaceAll("ROWSu", `${rows}u`)
    .replaceAll("CVu", `${cv}u`);
}
