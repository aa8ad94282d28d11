// LayerNorm forward, one invocation per row: out = (x - mean) * rstd * w + b; saves mean (N), rstd (N).
struct Params { N: u32, C: u32, eps: f32 }

@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<storage, read_write> mean: array<f32>;
@group(0) @binding(2) var<storage, read_write> rstd: array<f32>;
@group(0) @binding(3) var<storage, read> x: array<f32>;
@group(0) @binding(4) var<storage, read> w: array<f32>;
@group(0) @binding(5) var<storage, read> b: array<f32>;
@group(0) @binding(6) var<uniform> p: Params;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let n = (wid.y * nwg.x + wid.x) * 64u + lid.x;
  if (n >= p.N) { return; }
  let o = n * p.C;
  var m = 0.0;
  for (var c = 0u; c < p.C; c++) { m += x[o + c]; }
  m /= f32(p.C);
  var v = 0.0;
  for (var c = 0u; c < p.C; c++) { let d = x[o + c] - m; v += d * d; }
  let s = inverseSqrt(v / f32(p.C) + p.eps);
  for (var c = 0u; c < p.C; c++) { out[o + c] = (x[o + c] - m) * s * w[c] + b[c]; }
  mean[n] = m;
  rstd[n] = s;
}
