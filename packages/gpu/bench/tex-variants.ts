// tex.wgsl block shapes and ablations for bench/ablate.ts (the numbers in tex.ts's header come from this list):
//   bun packages/gpu/bench/ablate.ts packages/gpu/bench/tex-variants.ts [--size 1024] [--only name,name] [--check]
// Blocks are rows per invocation x 4*cv columns. The ablations replace the A or B texel fetches with register
// values (wrong results on purpose) to show what the fetches cost.
import { texMatmulSource } from "../src/kernels/matmul/tex.ts";
import type { AblateKernel } from "./ablate.ts";

const blocks: [number, number][] = [[16, 2], [32, 2], [48, 2], [24, 3], [32, 3], [16, 4], [24, 4], [32, 4]];

function sub(s: string, re: RegExp, to: string): string {
  const t = s.replace(re, to);
  if (t === s) throw new Error(`tex-variants: no match for ${re}`);
  return t;
}

function kernel(name: string, wgsl: string, rows: number, cv: number): AblateKernel {
  return { name, wgsl, rowsPerWg: rows, colsPerWg: 32 * cv, layout: "tex" };
}

export const kernels: AblateKernel[] = blocks.map(([rows, cv]) => kernel(`tex-${rows}x${4 * cv}`, texMatmulSource({ rows, cv }), rows, cv));
const base = texMatmulSource({ rows: 32, cv: 2 });
const noA = sub(base, /textureLoad\(At, vec2u\(k4 \+ lane, arow(\d+)\), 0\)/g, "vec4f(f32(k4 + $1u))");
const noB = sub(base, /textureLoad\(Bt, vec2u\(col(\d+), bY \+ k \+ (\d+)u\), 0\)/g, "vec4f(f32(k + $2u + $1u))");
kernels.push(
  kernel("tex-32x8 without A fetches", noA, 32, 2),
  kernel("tex-32x8 without B fetches", noB, 32, 2),
  kernel("tex-32x8 without A or B fetches", sub(noA, /textureLoad\(Bt, vec2u\(col(\d+), bY \+ k \+ (\d+)u\), 0\)/g, "vec4f(f32(k + $2u + $1u))"), 32, 2),
);
