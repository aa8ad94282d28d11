// General batched matmul: C(batch,M,N) (+)= op(A)·op(B) (+ bias(N)), any shape, transposes as strides.
// The fallback behind fast.wgsl: used for shapes it cannot take (N or K not a multiple of 4) and on adapters
// without subgroups. Each invocation computes a 4x4 block; loads clamp their indices (so edge blocks never read
// out of bounds) and only the stores are guarded.
// flags: bit 0 accumulate into C, bit 1 add bias. Strides are in elements; sBb = 0 shares B across the batch.

struct Params {
  M: u32, N: u32, K: u32, flags: u32,
  sAb: u32, sBb: u32, sCb: u32, pad: u32,
  sAm: u32, sAk: u32, sBk: u32, sBn: u32,
}

@group(0) @binding(0) var<storage, read_write> C: array<f32>;   // (batch, M, N)
@group(0) @binding(1) var<storage, read> A: array<f32>;         // a(i,k) = A[b*sAb + i*sAm + k*sAk]
@group(0) @binding(2) var<storage, read> B: array<f32>;         // b(k,j) = B[b*sBb + k*sBk + j*sBn]
@group(0) @binding(3) var<storage, read> bias: array<f32>;      // (N), read only when flags & 2
@group(0) @binding(4) var<uniform> p: Params;

@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) g: vec3u) {
  let i0 = g.y * 4u;
  let j0 = g.x * 4u;
  if (i0 >= p.M || j0 >= p.N) { return; }
  let aB = g.z * p.sAb;
  let bB = g.z * p.sBb;
  let ia0 = aB + min(i0, p.M - 1u) * p.sAm;
  let ia1 = aB + min(i0 + 1u, p.M - 1u) * p.sAm;
  let ia2 = aB + min(i0 + 2u, p.M - 1u) * p.sAm;
  let ia3 = aB + min(i0 + 3u, p.M - 1u) * p.sAm;
  let jb0 = bB + min(j0, p.N - 1u) * p.sBn;
  let jb1 = bB + min(j0 + 1u, p.N - 1u) * p.sBn;
  let jb2 = bB + min(j0 + 2u, p.N - 1u) * p.sBn;
  let jb3 = bB + min(j0 + 3u, p.N - 1u) * p.sBn;
  var acc0 = vec4f(0.0);
  var acc1 = vec4f(0.0);
  var acc2 = vec4f(0.0);
  var acc3 = vec4f(0.0);
  for (var k = 0u; k < p.K; k++) {
    let ak = k * p.sAk;
    let bk = k * p.sBk;
    let b = vec4f(B[bk + jb0], B[bk + jb1], B[bk + jb2], B[bk + jb3]);
    acc0 = fma(vec4f(A[ia0 + ak]), b, acc0);
    acc1 = fma(vec4f(A[ia1 + ak]), b, acc1);
    acc2 = fma(vec4f(A[ia2 + ak]), b, acc2);
    acc3 = fma(vec4f(A[ia3 + ak]), b, acc3);
  }
  var bv = vec4f(0.0);
  if ((p.flags & 2u) != 0u) {
    bv = vec4f(bias[min(j0, p.N - 1u)], bias[min(j0 + 1u, p.N - 1u)], bias[min(j0 + 2u, p.N - 1u)], bias[min(j0 + 3u, p.N - 1u)]);
  }
  let cB = g.z * p.sCb;
  store_row(cB, i0, j0, acc0 + bv);
  store_row(cB, i0 + 1u, j0, acc1 + bv);
  store_row(cB, i0 + 2u, j0, acc2 + bv);
  store_row(cB, i0 + 3u, j0, acc3 + bv);
}

fn store_row(cB: u32, i: u32, j0: u32, v: vec4f) {
  if (i >= p.M) { return; }
  let base = cB + i * p.N + j0;
  let acc = (p.flags & 1u) != 0u;
  for (var c = 0u; c < 4u; c++) {
    if (j0 + c < p.N) {
      var x = v[c];
      if (acc) { x += C[base + c]; }
      C[base + c] = x;
    }
  }
}
