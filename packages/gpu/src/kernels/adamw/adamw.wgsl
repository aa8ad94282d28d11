// Fused AdamW update in place, one invocation per element. bc1/bc2 are the bias corrections 1 - beta^step.
// Global-norm clipping is folded in: gn[0] holds the sum of squares of all grads (computed on the device, so a
// step needs no read-back before its update); grads are scaled by maxNorm / (norm + 1e-6) when norm > maxNorm.
// A non-finite norm leaves params and moments untouched (the trainer reads the norm and stops the run).
struct Params { n: u32, lr: f32, beta1: f32, beta2: f32, eps: f32, wd: f32, bc1: f32, bc2: f32, maxNorm: f32, p0: u32, p1: u32, p2: u32 }

@group(0) @binding(0) var<storage, read_write> param: array<f32>;
@group(0) @binding(1) var<storage, read_write> m: array<f32>;
@group(0) @binding(2) var<storage, read_write> v: array<f32>;
@group(0) @binding(3) var<storage, read> g: array<f32>;
@group(0) @binding(4) var<storage, read> gn: array<f32>;
@group(0) @binding(5) var<uniform> p: Params;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = (wid.y * nwg.x + wid.x) * 256u + lid.x;
  if (i >= p.n) { return; }
  let ss = gn[0];
  if ((bitcast<u32>(ss) & 0x7f800000u) == 0x7f800000u) { return; }
  let norm = sqrt(ss);
  let gi = g[i] * select(1.0, p.maxNorm / (norm + 1e-6), norm > p.maxNorm);
  let mi = p.beta1 * m[i] + (1.0 - p.beta1) * gi;
  let vi = p.beta2 * v[i] + (1.0 - p.beta2) * gi * gi;
  m[i] = mi;
  v[i] = vi;
  let w = param[i];
  param[i] = w - p.lr * ((mi / p.bc1) / (sqrt(vi / p.bc2) + p.eps) + p.wd * w);
}
