// Expands fast.wgsl for a given rows-per-invocation and row-group count: the row loop and the 32 k steps of a
// chunk are unrolled at source level because subgroupBroadcast takes a constant lane and lavapipe keeps named
// accumulators in registers but spills arrays. Chosen by bench/matmul-variants: v35 (32 rows, 4 row groups, row-outer
// order; +20% GFLOP per CPU-second over v21's 2 row groups and k-outer order); bigger blocks cost compile time.
import template from "./fast.wgsl" with { type: "text" };

/** Rows per invocation and row groups per workgroup (32 x FAST_RG invocations, FAST_ROWS*FAST_RG rows x 128 columns). */
export const FAST_ROWS = 32;
export const FAST_RG = 4;

const COMP = ["x", "y", "z", "w"] as const;

/** `rowOuter: false` emits the k-outer order of v21 (kept for comparison in benchmarks). */
export function fastMatmulSource(rows = FAST_ROWS, rg = FAST_RG, rowOuter = true): string {
  const R = [...Array(rows).keys()];
  const init = R.map((r) => `let arow${r} = aBase + min(row0 + ${r}u, p.M - 1u) * k4n;\n  var acc${r} = vec4f(0.0);`);
  const chunk: string[] = R.map((r) => `let av${r} = A4[arow${r} + k4 + lane];`);
  // Row-outer order (v34/v35 in bench/matmul-variants, +15..25% over k-outer): the 32 B vectors of the chunk are
  // read from workgroup memory once, then each row's 32 steps run together so its accumulator stays in registers.
  if (rowOuter) {
    for (let kk = 0; kk < 32; kk++) chunk.push(`let b${kk} = Bs[${kk * 32}u + lid.x];`);
    for (const r of R) {
      for (let kk = 0; kk < 32; kk++) chunk.push(`acc${r} = fma(vec4f(subgroupBroadcast(av${r}.${COMP[kk % 4]}, ${kk >> 2}u)), b${kk}, acc${r});`);
    }
  } else {
    for (let kk = 0; kk < 32; kk++) {
      chunk.push(`{ let b = Bs[${kk * 32}u + lid.x];`);
      for (const r of R) chunk.push(`  acc${r} = fma(vec4f(subgroupBroadcast(av${r}.${COMP[kk % 4]}, ${kk >> 2}u)), b, acc${r});`);
      chunk.push("}");
    }
  }
  const tail: string[] = [];
  for (const r of R) {
    tail.push(`{ let a = A4[arow${r} + k4];`);
    tail.push(`  acc${r} = fma(vec4f(a.x), b0, fma(vec4f(a.y), b1, fma(vec4f(a.z), b2, fma(vec4f(a.w), b3, acc${r})))); }`);
  }
  const store = R.map((r) => `if (row0 + ${r}u < p.M) { store(cBase + (row0 + ${r}u) * n4, acc${r} + bv, accumulate); }`);
  return template
    .replace("//@ROWS_INIT", init.join("\n  "))
    .replace("//@CHUNK", chunk.join("\n    "))
    .replace("//@TAIL", tail.join("\n    "))
    .replace("//@STORE", store.join("\n  "))
    .replaceAll("ROWSu", `${rows}u`)
    .replaceAll("RGu", `${rg}u`)
    .replace("@workgroup_size(32, RG)", `@workgroup_size(32, ${rg})`);
}
