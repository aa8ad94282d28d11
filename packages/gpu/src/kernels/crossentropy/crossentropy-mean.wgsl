// out[0] = sum(losses) / max(sum(weights), 1), denom[0] = the denominator. One workgroup, fixed tree: deterministic.
struct Params { N: u32 }

@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<storage, read_write> denom: array<f32>;
@group(0) @binding(2) var<storage, read> losses: array<f32>;
@group(0) @binding(3) var<storage, read> weights: array<f32>;
@group(0) @binding(4) var<uniform> p: Params;

var<workgroup> ls: array<f32, 256>;
var<workgroup> ws: array<f32, 256>;

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_id) lid: vec3u) {
  var a = 0.0;
  var b = 0.0;
  for (var i = lid.x; i < p.N; i += 256u) { a += losses[i]; b += weights[i]; }
  ls[lid.x] = a;
  ws[lid.x] = b;
  workgroupBarrier();
  for (var s = 128u; s > 0u; s >>= 1u) {
    if (lid.x < s) { ls[lid.x] += ls[lid.x + s]; ws[lid.x] += ws[lid.x + s]; }
    workgroupBarrier();
  }
  if (lid.x == 0u) {
    let d = max(ws[0], 1.0);
    denom[0] = d;
    out[0] = ls[0] / d;
  }
}
