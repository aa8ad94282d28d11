// Bias gradient: out(N) = sum over rows of x(rows, N), one invocation per column, rows in fixed order
// (deterministic, no atomics); acc != 0 adds into out instead of overwriting.

struct Params { rows: u32, N: u32, acc: u32, pad: u32 }

@group(0) @binding(0) var<storage, read_write> dst: array<f32>;  // (N)
@group(0) @binding(1) var<storage, read> x: array<f32>;          // (rows, N)
@group(0) @binding(2) var<uniform> p: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) g: vec3u) {
  let j = g.x;
  if (j >= p.N) { return; }
  var s = 0.0;
  for (var r = 0u; r < p.rows; r++) { s += x[r * p.N + j]; }
  if (p.acc != 0u) { s += dst[j]; }
  dst[j] = s;
}
