// Softmax over the last dim, one invocation per row. OP 0 forward (out = softmax(a)); OP 1 backward
// (out = y * (g - sum(g*y)) with a = y, b = g).
override OP: u32 = 0u;
struct Params { N: u32, C: u32 }

@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let n = (wid.y * nwg.x + wid.x) * 64u + lid.x;
  if (n >= p.N) { return; }
  let o = n * p.C;
  if (OP == 0u) {
    var m = -3.402823e38;
    for (var c = 0u; c < p.C; c++) { m = max(m, a[o + c]); }
    var s = 0.0;
    for (var c = 0u; c < p.C; c++) { s += exp(a[o + c] - m); }
    let inv = 1.0 / s;
    for (var c = 0u; c < p.C; c++) { out[o + c] = exp(a[o + c] - m) * inv; }
  } else {
    var dot = 0.0;
    for (var c = 0u; c < p.C; c++) { dot += b[o + c] * a[o + c]; }
    for (var c = 0u; c < p.C; c++) { out[o + c] = a[o + c] * (b[o + c] - dot); }
  }
}
