// RMSNorm backward. OP 0: dx per row. OP 1: dw per channel, rows in order (deterministic).
override OP: u32 = 0u;
struct Params { N: u32, C: u32 }

@group(0) @binding(0) var<storage, read_write> dx: array<f32>;
@group(0) @binding(1) var<storage, read_write> dw: array<f32>;
@group(0) @binding(2) var<storage, read> dout: array<f32>;
@group(0) @binding(3) var<storage, read> x: array<f32>;
@group(0) @binding(4) var<storage, read> w: array<f32>;
@group(0) @binding(5) var<storage, read> rstd: array<f32>;
@group(0) @binding(6) var<uniform> p: Params;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = (wid.y * nwg.x + wid.x) * 64u + lid.x;
  if (OP == 0u) {
    if (i >= p.N) { return; }
    let o = i * p.C;
    let s = rstd[i];
    var dot = 0.0;
    for (var c = 0u; c < p.C; c++) { dot += dout[o + c] * w[c] * x[o + c]; }
    let k = dot * s * s * s / f32(p.C);
    for (var c = 0u; c < p.C; c++) { dx[o + c] = dout[o + c] * w[c] * s - x[o + c] * k; }
  } else {
    if (i >= p.C) { return; }
    var sw = 0.0;
    for (var n = 0u; n < p.N; n++) { sw += dout[n * p.C + i] * x[n * p.C + i] * rstd[n]; }
    dw[i] = sw;
  }
}
