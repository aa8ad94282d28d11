// Shared prelude of every f16 kernel (prepended to its source by the dispatch .ts): enables f16 and defines the
// f32 <-> f16 conversions in integer arithmetic, so rounding (nearest, ties to even), overflow (to ±inf) and f16
// subnormals are exact and the same on every adapter, whatever the driver's f16 rounding or denormal mode
// (lavapipe's own f16 conversion does not round like real f16). Storage is array<vec2<f16>>: one u32 word = 2 elements.
enable f16;

// The f16 bits (low 16) of the f32 with bits b.
fn f16_bits(b: u32) -> u32 {
  let sign = (b >> 16u) & 0x8000u;
  let ex = (b >> 23u) & 0xffu;
  let mant = b & 0x7fffffu;
  if (ex == 0xffu) { return sign | 0x7c00u | select(0u, 0x200u | (mant >> 13u), mant != 0u); }
  let e = i32(ex) - 112;
  if (e >= 31) { return sign | 0x7c00u; }
  if (e <= 0) {
    let shift = u32(14 - e);
    if (shift > 24u) { return sign; }
    let m = mant | 0x800000u;
    var hs = m >> shift;
    let rem = m & ((1u << shift) - 1u);
    let half = 1u << (shift - 1u);
    if (rem > half || (rem == half && (hs & 1u) == 1u)) { hs += 1u; }
    return sign | hs;
  }
  var h = (u32(e) << 10u) | (mant >> 13u);
  let rem = mant & 0x1fffu;
  if (rem > 0x1000u || (rem == 0x1000u && (h & 1u) == 1u)) { h += 1u; }
  return sign | h;
}

// The f32 bits of the f16 with bits h (low 16); exact.
fn f32_bits(h: u32) -> u32 {
  let sign = (h & 0x8000u) << 16u;
  let ex = (h >> 10u) & 0x1fu;
  let mant = h & 0x3ffu;
  if (ex == 0u) { return sign | bitcast<u32>(f32(mant) * 5.9604644775390625e-8); } // mant * 2^-24, a normal f32
  if (ex == 31u) { return sign | 0x7f800000u | (mant << 13u); }
  return sign | ((ex + 112u) << 23u) | (mant << 13u);
}

fn pack_f16(v: vec2f) -> vec2<f16> {
  return bitcast<vec2<f16>>(f16_bits(bitcast<u32>(v.x)) | (f16_bits(bitcast<u32>(v.y)) << 16u));
}

fn unpack_f16(h: vec2<f16>) -> vec2f {
  let w = bitcast<u32>(h);
  return vec2f(bitcast<f32>(f32_bits(w & 0xffffu)), bitcast<f32>(f32_bits(w >> 16u)));
}
