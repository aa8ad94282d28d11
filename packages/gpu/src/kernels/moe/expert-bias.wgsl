// Per-expert bias of groupedMatmul. OP 0, one invocation per output element: out (E,R,O) = src[e, o] (src = bias
// (E,O)), the initial value the product then accumulates onto. OP 1, one invocation per (e, o): out (E,O) = sum
// over r of src[e, r, o] (src = dout (E,R,O): the bias gradient), rows in fixed order (deterministic).
override OP: u32 = 0u;
struct Params { E: u32, R: u32, O: u32 }

@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let t = (wid.y * nwg.x + wid.x) * 256u + lid.x;
  if (OP == 0u) {
    if (t >= p.E * p.R * p.O) { return; }
    out[t] = src[(t / (p.R * p.O)) * p.O + t % p.O];
  } else {
    if (t >= p.E * p.O) { return; }
    let e = t / p.O;
    let o = t % p.O;
    var s = 0.0;
    for (var r = 0u; r < p.R; r++) { s += src[(e * p.R + r) * p.O + o]; }
    out[t] = s;
  }
}
