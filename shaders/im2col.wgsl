// Convolution lowering. `main` (im2col): cols[(c*KH + kh)*KW + kw, n*P + oh*Wo + ow] =
// x[n, c, oh*SH + kh*DH - PH, ow*SW + kw*DW - PW] (0 outside), so the convolution is the GEMM
// W[Cout, C*KH*KW] x cols[C*KH*KW, N*P]. One thread per (n, c, output pixel) writes its KH*KW taps;
// the grid is (pixel blocks, c, n), so the only per-thread division is by Wo. `col2im`: the adjoint,
// gathered (no atomics): one thread per SH x SW block of x (grid: (blocks of the H x W plane, c, n))
// sums, for each pixel of its block, the cols entries that read it. The taps that reach a pixel depend
// only on its stride phase within the block, so every thread takes the same taps: no divergent modulo
// tests, and out-of-range taps are masked loads. The kernel size, stride and dilation are pipeline
// constants (divisions by
// them compile to shifts/multiplies; on llvmpipe a u32 division by a uniform costs ~as much as a
// whole elementwise op).
struct Params {
  N: u32, C: u32, H: u32, W: u32,
  Ho: u32, Wo: u32, KH_: u32, KW_: u32,
  SH_: u32, SW_: u32, PH: u32, PW: u32,
  DH_: u32, DW_: u32, total: u32, pad: u32,
}
override WG: u32 = 256u;
//#include "_conv_taps.wgsl"
// col2im only: the padding as constants too, so its stride-phase tap tests fold away at compile time.
override PADH: u32 = 0u;
override PADW: u32 = 0u;

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;
@group(0) @binding(3) var<storage, read_write> dst4: array<vec4<f32>>;

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

// x[row base rb + iw], 0 outside the plane. (The four taps of a quad are written out, not looped over
// with a vector index: llvmpipe keeps loop-indexed vectors in memory.)
fn tap(rb: u32, iw: i32, rowOk: bool) -> f32 {
  let ok = rowOk && iw >= 0 && iw < i32(P.W);
  return select(0.0, src[select(0u, rb + u32(iw), ok)], ok);
}

// `main4`: `main` for Wo a multiple of 4, four consecutive output pixels of a row per thread, each
// tap written as one vec4 (grid: (blocks of the Ho x Wo/4 quads, c, n)).
@compute @workgroup_size(WG)
fn main4(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let wo4 = P.Wo / 4u;
  let pp4 = P.Ho * wo4;
  let p4 = gid.x;
  if (p4 >= pp4) { return; }
  let c = wid.y;
  let n = wid.z;
  let np4 = P.N * pp4;
  let oh = p4 / wo4;
  let ow = (p4 - oh * wo4) * 4u;
  let ih0 = i32(oh * SH) - i32(P.PH);
  let iw0 = i32(ow * SW) - i32(P.PW);
  let xbase = (n * P.C + c) * P.H;
  var o = c * KH * KW * np4 + n * pp4 + p4;
  for (var kh = 0u; kh < KH; kh++) {
    let ih = ih0 + i32(kh * DH);
    let rowOk = ih >= 0 && ih < i32(P.H);
    let rb = (xbase + u32(max(ih, 0))) * P.W;
    for (var kw = 0u; kw < KW; kw++) {
      let iw = iw0 + i32(kw * DW);
      dst4[o] = vec4<f32>(
        tap(rb, iw, rowOk),
        tap(rb, iw + i32(SW), rowOk),
        tap(rb, iw + 2 * i32(SW), rowOk),
        tap(rb, iw + 3 * i32(SW), rowOk),
      );
      o += np4;
    }
  }
}

@compute @workgroup_size(WG)
fn col2im(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let hb = (P.H + SH - 1u) / SH;
  let wb = (P.W + SW - 1u) / SW;
  let q = gid.x;
  if (q >= hb * wb) { return; }
  let c = wid.y;
  let n = wid.z;
  let bh = q / wb;
  let bw = q - bh * wb;
  let pp = P.Ho * P.Wo;
  let np = P.N * pp;
  let colBase = n * pp;
  let obase = (n * P.C + c) * P.H * P.W;
  // Offsets that make the phase tests' operands non-negative (multiples of the strides).
  let offH = i32(SH * KH * DH);
  let offW = i32(SW * KW * DW);
  for (var rh = 0u; rh < SH; rh++) {
    let ih = bh * SH + rh;
    for (var rw = 0u; rw < SW; rw++) {
      let iw = bw * SW + rw;
      var acc = 0.0;
      for (var kh = 0u; kh < KH; kh++) {
        // Same phase for every thread: the tap kh reaches output row ih iff this is a multiple of SH.
        let ph = i32(rh + PADH) - i32(kh * DH);
        if (u32(ph + offH) % SH != 0u) { continue; }
        let th = i32(ih + PADH) - i32(kh * DH);
        let oh = th / i32(SH);
        let okH = th >= 0 && oh < i32(P.Ho);
        let row = (c * KH + kh) * KW;
        for (var kw = 0u; kw < KW; kw++) {
          let pw = i32(rw + PADW) - i32(kw * DW);
          if (u32(pw + offW) % SW != 0u) { continue; }
          let tw = i32(iw + PADW) - i32(kw * DW);
          let ow = tw / i32(SW);
          let ok = okH && tw >= 0 && ow < i32(P.Wo);
          let idx = select(0u, (row + kw) * np + colBase + u32(oh) * P.Wo + u32(ow), ok);
          acc += select(0.0, src[idx], ok);
        }
      }
      if (ih < P.H && iw < P.W) {
        dst[obase + ih * P.W + iw] = acc;
      }
    }
  }
}

// `col2im4`: `col2im` for stride 2 x 2, dilation 1, Wo a multiple of 4 and W a multiple of 8: a thread
// takes four neighbouring 2 x 2 blocks of a block row (2 rows x 8 pixels of x), so every tap is read as
// one vec4 of cols (two where the tap's offset is not a multiple of 4) and each row written as two
// vec4s (grid: (blocks of the H/2 x W/8 quads, c, n)).
@group(0) @binding(1) var<storage, read> src4: array<vec4<f32>>;

// cols[e .. e+3] (e an element index, possibly < 0), with component j zeroed unless ok[j].
fn cols4(e: i32, ok: vec4<bool>) -> vec4<f32> {
  if (!any(ok)) { return vec4<f32>(); }
  let s = u32(e & 3);
  let v = (e - i32(s)) / 4;
  let a = src4[u32(max(v, 0))];
  var r = a;
  if (s != 0u) {
    let b = src4[u32(max(v + 1, 0))];
    if (s == 1u) { r = vec4<f32>(a.y, a.z, a.w, b.x); }
    if (s == 2u) { r = vec4<f32>(a.z, a.w, b.x, b.y); }
    if (s == 3u) { r = vec4<f32>(a.w, b.x, b.y, b.z); }
  }
  return select(vec4<f32>(), r, ok);
}

// The sums for pixels (2*bh + rh, 2*(bw0 + j) + rw), j = 0..3, of plane (n, c).
fn phase4(rh: u32, rw: u32, c: u32, n: u32, bh: u32, bw0: u32) -> vec4<f32> {
  let pp = P.Ho * P.Wo;
  let np = P.N * pp;
  var acc = vec4<f32>();
  for (var kh = 0u; kh < KH; kh++) {
    // The tap kh reaches row 2*bh + rh iff rh + PADH - kh is even (then oh = bh + that / 2).
    let dh = i32(rh + PADH) - i32(kh);
    if (((dh % 2) + 2) % 2 != 0) { continue; }
    let oh = i32(bh) + (dh - ((dh % 2) + 2) % 2) / 2;
    if (oh < 0 || oh >= i32(P.Ho)) { continue; }
    for (var kw = 0u; kw < KW; kw++) {
      let dw = i32(rw + PADW) - i32(kw);
      if (((dw % 2) + 2) % 2 != 0) { continue; }
      let ow0 = i32(bw0) + dw / 2;
      let ow = vec4<i32>(ow0, ow0 + 1, ow0 + 2, ow0 + 3);
      let ok = (ow >= vec4<i32>(0)) & (ow < vec4<i32>(i32(P.Wo)));
      let e = i32(((c * KH + kh) * KW + kw) * np + n * pp + u32(oh) * P.Wo) + ow0;
      acc += cols4(e, ok);
    }
  }
  return acc;
}

@compute @workgroup_size(WG)
fn col2im4(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let hb = P.H / 2u;
  let wq = P.W / 8u; // quads of blocks per block row
  let q = gid.x;
  if (q >= hb * wq) { return; }
  let c = wid.y;
  let n = wid.z;
  let bh = q / wq;
  let bw0 = (q - bh * wq) * 4u;
  let o4 = ((n * P.C + c) * P.H * P.W + 2u * bh * P.W + 2u * bw0) / 4u;
  let w4 = P.W / 4u;
  let a00 = phase4(0u, 0u, c, n, bh, bw0);
  let a01 = phase4(0u, 1u, c, n, bh, bw0);
  dst4[o4] = vec4<f32>(a00.x, a01.x, a00.y, a01.y);
  dst4[o4 + 1u] = vec4<f32>(a00.z, a01.z, a00.w, a01.w);
  let a10 = phase4(1u, 0u, c, n, bh, bw0);
  let a11 = phase4(1u, 1u, c, n, bh, bw0);
  dst4[o4 + w4] = vec4<f32>(a10.x, a11.x, a10.y, a11.y);
  dst4[o4 + w4 + 1u] = vec4<f32>(a10.z, a11.z, a10.w, a11.w);
}
