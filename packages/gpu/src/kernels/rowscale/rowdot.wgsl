// Row dot products for the row-scale backward, one workgroup per row of (N,D): ds[n] = sum_d dout[n,d] * x[n,d].
// Each lane sums a strided slice of the row, then a fixed tree combines the lanes (deterministic, no atomics).
const WG = 64u;
struct Params { N: u32, D: u32 }

@group(0) @binding(0) var<storage, read_write> ds: array<f32>;
@group(0) @binding(1) var<storage, read> dout: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

var<workgroup> acc: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let n = wid.y * nwg.x + wid.x; // workgroup-uniform, so the barriers below stay in uniform control flow
  if (n >= p.N) { return; }
  let o = n * p.D;
  var a = 0.0;
  for (var d = lid.x; d < p.D; d += WG) { a += dout[o + d] * x[o + d]; }
  acc[lid.x] = a;
  workgroupBarrier();
  for (var k = WG / 2u; k > 0u; k >>= 1u) {
    if (lid.x < k) { acc[lid.x] += acc[lid.x + k]; }
    workgroupBarrier();
  }
  if (lid.x == 0u) { ds[n] = acc[0]; }
}
