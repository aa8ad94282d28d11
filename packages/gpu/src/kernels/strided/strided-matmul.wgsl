// Generic strided matmul used by gpu-core until the kernels helper's tuned matmul is wired in, and by the
// recurrent layers (row views with strides). One invocation per output (p, i, j):
// out[outOff + p*M*N + i*N + j] (= or +=) bias[j] + sum_q sum_k A(p,q,i,k) * B(p,q,k,j), where
// A(p,q,i,k) = a[aOff + p*sAp + q*sAq + i*sAi + k*sAk], B(p,q,k,j) = b[bOff + p*sBp + q*sBq + k*sBk + j*sBj].
struct Params {
  M: u32, N: u32, K: u32, nSum: u32,
  batch: u32, aOff: u32, sAp: u32, sAq: u32,
  sAi: u32, sAk: u32, bOff: u32, sBp: u32,
  sBq: u32, sBk: u32, sBj: u32, outOff: u32,
  hasBias: u32, accumulate: u32, outRowStride: u32, pad: u32,
}

@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;

@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let j = gid.x;
  let i = gid.y;
  let pb = gid.z;
  if (i >= p.M || j >= p.N || pb >= p.batch) { return; }
  var s = 0.0;
  for (var q = 0u; q < p.nSum; q++) {
    let ab = p.aOff + pb * p.sAp + q * p.sAq + i * p.sAi;
    let bb = p.bOff + pb * p.sBp + q * p.sBq + j * p.sBj;
    for (var k = 0u; k < p.K; k++) { s += a[ab + k * p.sAk] * b[bb + k * p.sBk]; }
  }
  if (p.hasBias != 0u) { s += bias[j]; }
  let o = p.outOff + pb * p.M * p.outRowStride + i * p.outRowStride + j;
  if (p.accumulate != 0u) { out[o] += s; } else { out[o] = s; }
}
