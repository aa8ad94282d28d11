// LSTM cell at step t for all batch rows, one invocation per (b, k<Hd). Gates (i, f, g, o).
// OP 0 forward: pre = xProj[b,t] + hr[b] (hr = h_{t-1} @ wh, (B,4Hd)); writes acts, cs, hs at t.
// OP 1 backward: reads dh[b,t] + dhNext[b], dcNext[b] (in place), writes dxProj[b,t] = d(pre).
override OP: u32 = 0u;
struct Params { B: u32, T: u32, Hd: u32, t: u32, hasC0: u32 }

@group(0) @binding(0) var<storage, read_write> w0: array<f32>;  // OP0: hs     OP1: dxProj
@group(0) @binding(1) var<storage, read_write> w1: array<f32>;  // OP0: cs     OP1: dcNext (B,Hd)
@group(0) @binding(2) var<storage, read_write> w2: array<f32>;  // OP0: acts   OP1: unused
@group(0) @binding(3) var<storage, read> r0: array<f32>;        // OP0: xProj  OP1: dh
@group(0) @binding(4) var<storage, read> r1: array<f32>;        // OP0: hr     OP1: dhNext (B,Hd)
@group(0) @binding(5) var<storage, read> r2: array<f32>;        // c0 (B,Hd)
@group(0) @binding(6) var<storage, read> r3: array<f32>;        // OP1: cs
@group(0) @binding(7) var<storage, read> r4: array<f32>;        // OP1: acts
@group(0) @binding(8) var<uniform> p: Params;

fn sigmoid(v: f32) -> f32 { return 1.0 / (1.0 + exp(-v)); }
fn tanh_s(u: f32) -> f32 { let e = exp(-2.0 * abs(u)); return sign(u) * (1.0 - e) / (1.0 + e); }

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let idx = gid.x;
  if (idx >= p.B * p.Hd) { return; }
  let b = idx / p.Hd;
  let k = idx % p.Hd;
  let G = 4u * p.Hd;
  let row = b * p.T + p.t;
  let a = row * G;
  if (OP == 0u) {
    let gi = sigmoid(r0[a + k] + r1[b * G + k]);
    let gf = sigmoid(r0[a + p.Hd + k] + r1[b * G + p.Hd + k]);
    let gg = tanh_s(r0[a + 2u * p.Hd + k] + r1[b * G + 2u * p.Hd + k]);
    let go = sigmoid(r0[a + 3u * p.Hd + k] + r1[b * G + 3u * p.Hd + k]);
    var cPrev = 0.0;
    if (p.t > 0u) { cPrev = w1[(row - 1u) * p.Hd + k]; } else if (p.hasC0 != 0u) { cPrev = r2[b * p.Hd + k]; }
    let c = gf * cPrev + gi * gg;
    w2[a + k] = gi;
    w2[a + p.Hd + k] = gf;
    w2[a + 2u * p.Hd + k] = gg;
    w2[a + 3u * p.Hd + k] = go;
    w1[row * p.Hd + k] = c;
    w0[row * p.Hd + k] = go * tanh_s(c);
  } else {
    let dht = r0[row * p.Hd + k] + r1[b * p.Hd + k];
    let c = r3[row * p.Hd + k];
    let tc = tanh_s(c);
    let gi = r4[a + k];
    let gf = r4[a + p.Hd + k];
    let gg = r4[a + 2u * p.Hd + k];
    let go = r4[a + 3u * p.Hd + k];
    var cPrev = 0.0;
    if (p.t > 0u) { cPrev = r3[(row - 1u) * p.Hd + k]; } else if (p.hasC0 != 0u) { cPrev = r2[b * p.Hd + k]; }
    let dc = w1[b * p.Hd + k] + dht * go * (1.0 - tc * tc);
    w0[a + k] = dc * gg * gi * (1.0 - gi);
    w0[a + p.Hd + k] = dc * cPrev * gf * (1.0 - gf);
    w0[a + 2u * p.Hd + k] = dc * gi * (1.0 - gg * gg);
    w0[a + 3u * p.Hd + k] = dht * tc * go * (1.0 - go);
    w1[b * p.Hd + k] = dc * gf;
  }
}
