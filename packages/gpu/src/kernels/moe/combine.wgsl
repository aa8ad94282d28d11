// Combine of expert outputs y (S,C) back into token rows. OP 0, one invocation per (n, c): out (N,C) =
// sum over j of g[n,j] · y[slotOf[n,j], c] (g = gates). OP 1, one invocation per assignment (n, j): out (N,k) =
// g[n,:] · y[slotOf[n,j], :] (g = dout (N,C): the gates' gradient). Slots outside [0,S) (dropped) give nothing.
override OP: u32 = 0u;
struct Params { N: u32, k: u32, S: u32, C: u32 }

@group(0) @binding(0) var<storage, read_write> out: array<f32>; // OP 0: (N,C); OP 1: (N,k)
@group(0) @binding(1) var<storage, read> y: array<f32>;         // (S,C)
@group(0) @binding(2) var<storage, read> slotOf: array<i32>;    // (N,k)
@group(0) @binding(3) var<storage, read> g: array<f32>;         // OP 0: gates (N,k); OP 1: dout (N,C)
@group(0) @binding(4) var<uniform> p: Params;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let t = (wid.y * nwg.x + wid.x) * 256u + lid.x;
  var s = 0.0;
  if (OP == 0u) {
    if (t >= p.N * p.C) { return; }
    let n = t / p.C;
    let c = t % p.C;
    for (var j = 0u; j < p.k; j++) {
      let slot = slotOf[n * p.k + j];
      if (slot >= 0 && u32(slot) < p.S) { s += g[n * p.k + j] * y[u32(slot) * p.C + c]; }
    }
  } else {
    if (t >= p.N * p.k) { return; }
    let n = t / p.k;
    let slot = slotOf[t];
    if (slot >= 0 && u32(slot) < p.S) {
      for (var c = 0u; c < p.C; c++) { s += g[n * p.C + c] * y[u32(slot) * p.C + c]; }
    }
  }
  out[t] = s;
}
