// LayerNorm backward. OP 0: dx (added to dx when p.acc is set: the gradient x already has from other uses), one
// invocation per row. OP 1: dw, db, one invocation per channel looping over rows in order (deterministic).
override OP: u32 = 0u;
struct Params { N: u32, C: u32, acc: u32 }

@group(0) @binding(0) var<storage, read_write> dx: array<f32>;
@group(0) @binding(1) var<storage, read_write> dw: array<f32>;
@group(0) @binding(2) var<storage, read_write> db: array<f32>;
@group(0) @binding(3) var<storage, read> dout: array<f32>;
@group(0) @binding(4) var<storage, read> x: array<f32>;
@group(0) @binding(5) var<storage, read> w: array<f32>;
@group(0) @binding(6) var<storage, read> mean: array<f32>;
@group(0) @binding(7) var<storage, read> rstd: array<f32>;
@group(0) @binding(8) var<uniform> p: Params;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = (wid.y * nwg.x + wid.x) * 64u + lid.x;
  if (OP == 0u) {
    if (i >= p.N) { return; }
    let o = i * p.C;
    let m = mean[i];
    let s = rstd[i];
    var a = 0.0;
    var bb = 0.0;
    for (var c = 0u; c < p.C; c++) {
      let dn = w[c] * dout[o + c];
      a += dn;
      bb += dn * (x[o + c] - m) * s;
    }
    a /= f32(p.C);
    bb /= f32(p.C);
    for (var c = 0u; c < p.C; c++) {
      let nrm = (x[o + c] - m) * s;
      let v = (w[c] * dout[o + c] - a - nrm * bb) * s;
      dx[o + c] = select(v, dx[o + c] + v, p.acc != 0u);
    }
  } else {
    if (i >= p.C) { return; }
    var sw = 0.0;
    var sb = 0.0;
    for (var n = 0u; n < p.N; n++) {
      let g = dout[n * p.C + i];
      sb += g;
      sw += (x[n * p.C + i] - mean[n]) * rstd[n] * g;
    }
    dw[i] = sw;
    db[i] = sb;
  }
}
