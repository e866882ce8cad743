// Convolution lowering. `main` (im2col): cols[(c*KH + kh)*KW + kw, n*P + oh*Wo + ow] =
// x[n, c, oh*SH + kh*DH - PH, ow*SW + kw*DW - PW] (0 outside), one thread per cols element, so the
// convolution is the GEMM W[Cout, C*KH*KW] x cols[C*KH*KW, N*P]. `col2im`: the adjoint, gathered (no
// atomics): one thread per x element sums the cols entries that read it.
struct Params {
  N: u32, C: u32, H: u32, W: u32,
  Ho: u32, Wo: u32, KH: u32, KW: u32,
  SH: u32, SW: u32, PH: u32, PW: u32,
  DH: u32, DW: u32, total: u32, pad: u32,
}
override WG: u32 = 256u;

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= P.total) { return; }
  let pp = P.Ho * P.Wo;
  let np = P.N * pp;
  let row = i / np;
  let col = i - row * np;
  let n = col / pp;
  let p = col - n * pp;
  let oh = p / P.Wo;
  let ow = p - oh * P.Wo;
  let kw = row % P.KW;
  let t = row / P.KW;
  let kh = t % P.KH;
  let c = t / P.KH;
  let ih = i32(oh * P.SH + kh * P.DH) - i32(P.PH);
  let iw = i32(ow * P.SW + kw * P.DW) - i32(P.PW);
  var v = 0.0;
  if (ih >= 0 && ih < i32(P.H) && iw >= 0 && iw < i32(P.W)) {
    v = src[((n * P.C + c) * P.H + u32(ih)) * P.W + u32(iw)];
  }
  dst[i] = v;
}

@compute @workgroup_size(WG)
fn col2im(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= P.total) { return; }
  let iw = i % P.W;
  var t = i / P.W;
  let ih = t % P.H;
  t = t / P.H;
  let c = t % P.C;
  let n = t / P.C;
  let pp = P.Ho * P.Wo;
  let np = P.N * pp;
  let colBase = n * pp;
  var acc = 0.0;
  for (var kh = 0u; kh < P.KH; kh++) {
    let th = i32(ih + P.PH) - i32(kh * P.DH);
    if (th < 0) { break; }
    if (u32(th) % P.SH != 0u) { continue; }
    let oh = u32(th) / P.SH;
    if (oh >= P.Ho) { continue; }
    for (var kw = 0u; kw < P.KW; kw++) {
      let tw = i32(iw + P.PW) - i32(kw * P.DW);
      if (tw < 0) { break; }
      if (u32(tw) % P.SW != 0u) { continue; }
      let ow = u32(tw) / P.SW;
      if (ow >= P.Wo) { continue; }
      let row = (c * P.KH + kh) * P.KW + kw;
      acc += src[row * np + colBase + oh * P.Wo + ow];
    }
  }
  dst[i] = acc;
}
