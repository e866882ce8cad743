// Convolution lowering. `main` (im2col): cols[(c*KH + kh)*KW + kw, n*P + oh*Wo + ow] =
// x[n, c, oh*SH + kh*DH - PH, ow*SW + kw*DW - PW] (0 outside), so the convolution is the GEMM
// W[Cout, C*KH*KW] x cols[C*KH*KW, N*P]. One thread per (n, c, output pixel) writes its KH*KW taps;
// the grid is (pixel blocks, c, n), so the only per-thread division is by Wo. `col2im`: the adjoint,
// gathered (no atomics): one thread per x element (grid: (pixel blocks of H*W, c, n)) sums the cols
// entries that read it. The kernel size, stride and dilation are pipeline constants (divisions by
// them compile to shifts/multiplies; on llvmpipe a u32 division by a uniform costs ~as much as a
// whole elementwise op).
struct Params {
  N: u32, C: u32, H: u32, W: u32,
  Ho: u32, Wo: u32, KH_: u32, KW_: u32,
  SH_: u32, SW_: u32, PH: u32, PW: u32,
  DH_: u32, DW_: u32, total: u32, pad: u32,
}
override WG: u32 = 256u;
override KH: u32 = 3u;
override KW: u32 = 3u;
override SH: u32 = 1u;
override SW: u32 = 1u;
override DH: u32 = 1u;
override DW: u32 = 1u;

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let pp = P.Ho * P.Wo;
  let p = gid.x;
  if (p >= pp) { return; }
  let c = wid.y;
  let n = wid.z;
  let np = P.N * pp;
  let oh = p / P.Wo;
  let ow = p - oh * P.Wo;
  let ih0 = i32(oh * SH) - i32(P.PH);
  let iw0 = i32(ow * SW) - i32(P.PW);
  let xbase = (n * P.C + c) * P.H;
  var o = c * KH * KW * np + n * pp + p;
  for (var kh = 0u; kh < KH; kh++) {
    let ih = ih0 + i32(kh * DH);
    let rowOk = ih >= 0 && ih < i32(P.H);
    for (var kw = 0u; kw < KW; kw++) {
      let iw = iw0 + i32(kw * DW);
      var v = 0.0;
      if (rowOk && iw >= 0 && iw < i32(P.W)) {
        v = src[(xbase + u32(ih)) * P.W + u32(iw)];
      }
      dst[o] = v;
      o += np;
    }
  }
}

@compute @workgroup_size(WG)
fn col2im(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let q = gid.x;
  if (q >= P.H * P.W) { return; }
  let c = wid.y;
  let n = wid.z;
  let ih = q / P.W;
  let iw = q - ih * P.W;
  let pp = P.Ho * P.Wo;
  let np = P.N * pp;
  let colBase = n * pp;
  var acc = 0.0;
  for (var kh = 0u; kh < KH; kh++) {
    let th = i32(ih + P.PH) - i32(kh * DH);
    if (th < 0) { break; }
    if (u32(th) % SH != 0u) { continue; }
    let oh = u32(th) / SH;
    if (oh >= P.Ho) { continue; }
    for (var kw = 0u; kw < KW; kw++) {
      let tw = i32(iw + P.PW) - i32(kw * DW);
      if (tw < 0) { break; }
      if (u32(tw) % SW != 0u) { continue; }
      let ow = u32(tw) / SW;
      if (ow >= P.Wo) { continue; }
      let row = (c * KH + kh) * KW + kw;
      acc += src[row * np + colBase + oh * P.Wo + ow];
    }
  }
  dst[(n * P.C + c) * P.H * P.W + q] = acc;
}
