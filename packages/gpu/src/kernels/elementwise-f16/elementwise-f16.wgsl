// f16-storage elementwise ops with f32 math inside, OP selects (one pipeline per op):
// 0 add: out = a + b[j % nb]   1 mul: out = a * b[j % nb]   2 scale: out = a * s   3 accumulate: out += b
// 4 gelu(a)   5 gelu backward: out = gelu'(a) * b   6 silu(a)   7 silu backward: out = silu'(a) * b   8 out *= s
// One invocation per output word (elements j = 2w, 2w+1); the pad element of an odd n is written as 0.
// Prepended: ../cast/f16.wgsl (enable f16; pack_f16, unpack_f16).
override OP: u32 = 0u;

struct Params { n: u32, nb: u32, s: f32 }

@group(0) @binding(0) var<storage, read_write> out: array<vec2<f16>>; // (ceil(n/2))
@group(0) @binding(1) var<storage, read> a: array<vec2<f16>>;         // (ceil(n/2))
@group(0) @binding(2) var<storage, read> b: array<vec2<f16>>;         // (ceil(nb/2)), broadcast over a
@group(0) @binding(3) var<uniform> p: Params;

const K = 0.7978845608028654;

fn sigmoid(v: f32) -> f32 { return 1.0 / (1.0 + exp(-v)); }
fn tanh_s(u: f32) -> f32 { let e = exp(-2.0 * abs(u)); return sign(u) * (1.0 - e) / (1.0 + e); }

// Element k of b, widened to f32.
fn ld_b(k: u32) -> f32 {
  let v = unpack_f16(b[k >> 1u]);
  return select(v.x, v.y, (k & 1u) == 1u);
}

fn apply(v: f32, j: u32, s: f32) -> f32 {
  switch OP {
    case 0u: { return v + ld_b(j % p.nb); }
    case 1u: { return v * ld_b(j % p.nb); }
    case 2u, 8u: { return v * s; }
    case 3u: { return v + ld_b(j); }
    case 4u: { return 0.5 * v * (1.0 + tanh_s(K * (v + 0.044715 * v * v * v))); }
    case 5u: {
      let th = tanh_s(K * (v + 0.044715 * v * v * v));
      return (0.5 * (1.0 + th) + 0.5 * v * (1.0 - th * th) * K * (1.0 + 3.0 * 0.044715 * v * v)) * ld_b(j);
    }
    case 6u: { return v * sigmoid(v); }
    default: { let sg = sigmoid(v); return ld_b(j) * sg * (1.0 + v * (1.0 - sg)); }
  }
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let w = (wid.y * nwg.x + wid.x) * 256u + lid.x;
  let j = 2u * w;
  if (j >= p.n) { return; }
  // accumulate and in-place scale read out itself; the others read a
  var v: vec2f;
  if (OP == 3u || OP == 8u) { v = unpack_f16(out[w]); } else { v = unpack_f16(a[w]); }
  let hi = select(0.0, apply(v.y, j + 1u, p.s), j + 1u < p.n);
  out[w] = pack_f16(vec2f(apply(v.x, j, p.s), hi));
}
