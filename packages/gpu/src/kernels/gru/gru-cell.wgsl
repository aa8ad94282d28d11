// GRU cell at step t for all batch rows, one invocation per (b, k<Hd). Gates (r, z, n).
// OP 0 forward: hr = h_{t-1} @ wh (B,3Hd); writes acts (r,z,n), hn (= hr_n) and hs at t.
// OP 1 backward: dht = dh[b,t] + dhNext[b]; writes dxProj[b,t], dhr[b,t] (grad of hr) and dhTmp[b] = dht*z
// (the direct part of dh_{t-1}; the recurrent part dhr @ whᵀ is added by a matmul). At most 8 storage buffers,
// WebGPU's default per-stage limit.
override OP: u32 = 0u;
struct Params { B: u32, T: u32, Hd: u32, t: u32, hasH0: u32 }

@group(0) @binding(0) var<storage, read_write> w0: array<f32>;  // OP0: hs    OP1: dxProj
@group(0) @binding(1) var<storage, read_write> w1: array<f32>;  // OP0: acts  OP1: dhr (B,T,3Hd)
@group(0) @binding(2) var<storage, read_write> w2: array<f32>;  // OP0: hn    OP1: dhTmp (B,Hd)
@group(0) @binding(3) var<storage, read> r0: array<f32>;        // OP0: xProj OP1: dh
@group(0) @binding(4) var<storage, read> r1: array<f32>;        // OP0: hr    OP1: dhNext (B,Hd)
@group(0) @binding(5) var<storage, read> r2: array<f32>;        // OP0: h0 (B,Hd)  OP1: prev (B,T,Hd), h_{t-1} per step
@group(0) @binding(6) var<storage, read> r4: array<f32>;        // OP1: acts
@group(0) @binding(7) var<storage, read> r5: array<f32>;        // OP1: hn
@group(0) @binding(8) var<uniform> p: Params;

fn sigmoid(v: f32) -> f32 { return 1.0 / (1.0 + exp(-v)); }
fn tanh_s(u: f32) -> f32 { let e = exp(-2.0 * abs(u)); return sign(u) * (1.0 - e) / (1.0 + e); }

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let idx = gid.x;
  if (idx >= p.B * p.Hd) { return; }
  let b = idx / p.Hd;
  let k = idx % p.Hd;
  let G = 3u * p.Hd;
  let row = b * p.T + p.t;
  let a = row * G;
  if (OP == 0u) {
    var hPrev = 0.0;
    if (p.t > 0u) { hPrev = w0[(row - 1u) * p.Hd + k]; } else if (p.hasH0 != 0u) { hPrev = r2[b * p.Hd + k]; }
    let hrn = r1[b * G + 2u * p.Hd + k];
    let r = sigmoid(r0[a + k] + r1[b * G + k]);
    let z = sigmoid(r0[a + p.Hd + k] + r1[b * G + p.Hd + k]);
    let n = tanh_s(r0[a + 2u * p.Hd + k] + r * hrn);
    w1[a + k] = r;
    w1[a + p.Hd + k] = z;
    w1[a + 2u * p.Hd + k] = n;
    w2[row * p.Hd + k] = hrn;
    w0[row * p.Hd + k] = (1.0 - z) * n + z * hPrev;
  } else {
    let hPrev = r2[row * p.Hd + k];
    let dht = r0[row * p.Hd + k] + r1[b * p.Hd + k];
    let r = r4[a + k];
    let z = r4[a + p.Hd + k];
    let n = r4[a + 2u * p.Hd + k];
    let dN = dht * (1.0 - z) * (1.0 - n * n);
    let dR = dN * r5[row * p.Hd + k] * r * (1.0 - r);
    let dZ = dht * (hPrev - n) * z * (1.0 - z);
    w0[a + k] = dR;
    w0[a + p.Hd + k] = dZ;
    w0[a + 2u * p.Hd + k] = dN;
    w1[a + k] = dR;
    w1[a + p.Hd + k] = dZ;
    w1[a + 2u * p.Hd + k] = dN * r;
    w2[b * p.Hd + k] = dht * z;
  }
}
