// Direct 2-D convolution (the conv family's direct variants, `src/tensor/ops/_conv_direct.ts`):
// y[n, co, oh, ow] = sum over the group's input channels ci and taps (kh, kw) of
// w[co, ci, kh, kw] * x[n, g*Cg + ci, oh*SH + kh*DH - PH, ow*SW + kw*DW - PW] (+ bias[co]), with no
// im2col matrix. A padded tap is a 0 that is still multiplied (as the im2col + GEMM lowering does:
// an Inf or NaN weight gives NaN there too), so both lowerings agree on NaN and Inf.
// One invocation computes CPI (4 or 8) output channels of one group at PX (4 or 1) consecutive pixels
// of an output row: per tap, PX lane-varying x loads and CPI weight loads at addresses shared by the
// whole workgroup feed PX*CPI FMAs (CPI vec4 accumulators: 16 or 32 floats, an AVX2 register file's worth on
// llvmpipe). Grid: (blocks of the Ho x Wq pixel quads, groups x channel blocks, n): the workgroup's
// channels are uniform, its pixels neighbours. Entry `main4` (Wo % 4 == 0) stores vec4s, `main` scalars. CM = 1 writes the
// channel-major [Co, N*Ho*Wo] layout the fused conv + batch norm reads, else NCHW. The kernel size,
// stride and dilation are pipeline constants.
struct Params {
  N: u32, C: u32, H: u32, W: u32,
  Ho: u32, Wo: u32, Co: u32, Cg: u32,
  Cog: u32, CoB: u32, PH: u32, PW: u32,
  Wq: u32, quads: u32, pad0: u32, pad1: u32,
}
override WG: u32 = 64u;
override CPI: u32 = 4u;
// Pixels per invocation: 4 (a quad of a row) or 1 (only `main`).
override PX: u32 = 4u;
//#include "_conv_taps.wgsl"
override BIAS: u32 = 0u;
override CM: u32 = 0u;
// WT = 1: the weights also come as W^T [Cg*KH*KW, Co] in vec4s (groups 1, Co % 4 == 0): a channel
// block's weights of a tap are one or two vec4 loads instead of CPI scalar loads.
override WT: u32 = 0u;

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> dst: array<f32>;
@group(0) @binding(5) var<storage, read_write> dst4: array<vec4<f32>>;
@group(0) @binding(6) var<storage, read> wt4: array<vec4<f32>>;

// x[row base rb + iw], 0 outside the plane (a masked load: every lane reads a valid address).
fn tap(rb: u32, iw: i32, rowOk: bool) -> f32 {
  let ok = rowOk && iw >= 0 && iw < i32(P.W);
  return select(0.0, x[select(0u, rb + u32(iw), ok)], ok);
}

// Where output (n, co, pixel p of the plane) lives.
fn out_index(n: u32, co: u32, p: u32) -> u32 {
  let pp = P.Ho * P.Wo;
  if (CM == 1u) { return (co * P.N + n) * pp + p; }
  return (n * P.Co + co) * pp + p;
}

// The block's sums: channel co0 + j at the 4 pixels of output row oh from ow0, in aj.
struct Acc { a0: vec4<f32>, a1: vec4<f32>, a2: vec4<f32>, a3: vec4<f32>,
             a4: vec4<f32>, a5: vec4<f32>, a6: vec4<f32>, a7: vec4<f32> }

// The block of invocation q of workgroup row blk in image n: its pixels and channels.
struct Block { ok: bool, n: u32, oh: u32, ow0: u32, grp: u32, cb: u32, co0: u32 }

fn block(q: u32, blk: u32, n: u32) -> Block {
  let oh = q / P.Wq;
  let grp = blk / P.CoB;
  let cb = (blk - grp * P.CoB) * CPI; // first channel of the block within its group
  return Block(q < P.quads, n, oh, (q - oh * P.Wq) * PX, grp, cb, grp * P.Cog + cb);
}

fn accumulate(b: Block) -> Acc {
  let kk = KH * KW;
  let last = b.grp * P.Cog + P.Cog - 1u; // channels past the group read its last one (not stored)
  let wrow = P.Cg * kk;
  let w0 = min(b.co0, last) * wrow;
  let w1 = min(b.co0 + 1u, last) * wrow;
  let w2 = min(b.co0 + 2u, last) * wrow;
  let w3 = min(b.co0 + 3u, last) * wrow;
  let w4 = min(b.co0 + 4u, last) * wrow;
  let w5 = min(b.co0 + 5u, last) * wrow;
  let w6 = min(b.co0 + 6u, last) * wrow;
  let w7 = min(b.co0 + 7u, last) * wrow;
  let ih0 = i32(b.oh * SH) - i32(P.PH);
  let iw0 = i32(b.ow0 * SW) - i32(P.PW);
  let cq = P.Co / 4u; // vec4s per row of W^T
  let c4 = b.co0 / 4u;
  let c4b = select(c4, c4 + 1u, b.co0 + 4u < P.Co); // past Co: a valid vec4, not stored
  var r = Acc();
  for (var ci = 0u; ci < P.Cg; ci++) {
    let xb = (b.n * P.C + b.grp * P.Cg + ci) * P.H;
    for (var kh = 0u; kh < KH; kh++) {
      let ih = ih0 + i32(kh * DH);
      let rowOk = ih >= 0 && ih < i32(P.H);
      let rb = (xb + u32(max(ih, 0))) * P.W;
      for (var kw = 0u; kw < KW; kw++) {
        let iw = iw0 + i32(kw * DW);
        var xv = vec4<f32>(tap(rb, iw, rowOk), 0.0, 0.0, 0.0);
        if (PX == 4u) {
          xv = vec4<f32>(
            xv.x,
            tap(rb, iw + i32(SW), rowOk),
            tap(rb, iw + 2 * i32(SW), rowOk),
            tap(rb, iw + 3 * i32(SW), rowOk),
          );
        }
        let t = (ci * KH + kh) * KW + kw;
        if (WT == 1u) {
          let row = t * cq;
          let wa = wt4[row + c4];
          r.a0 += wa.x * xv;
          r.a1 += wa.y * xv;
          r.a2 += wa.z * xv;
          r.a3 += wa.w * xv;
          if (CPI == 8u) {
            let wb = wt4[row + c4b];
            r.a4 += wb.x * xv;
            r.a5 += wb.y * xv;
            r.a6 += wb.z * xv;
            r.a7 += wb.w * xv;
          }
          continue;
        }
        r.a0 += w[w0 + t] * xv;
        r.a1 += w[w1 + t] * xv;
        r.a2 += w[w2 + t] * xv;
        r.a3 += w[w3 + t] * xv;
        if (CPI == 8u) {
          r.a4 += w[w4 + t] * xv;
          r.a5 += w[w5 + t] * xv;
          r.a6 += w[w6 + t] * xv;
          r.a7 += w[w7 + t] * xv;
        }
      }
    }
  }
  return r;
}

// Channel j of the block with its bias, and whether it is one of the group's channels.
fn biased(a: vec4<f32>, b: Block, j: u32) -> vec4<f32> {
  if (BIAS == 1u) { return a + vec4<f32>(bias[b.co0 + j]); }
  return a;
}

// `main`: scalar stores (any Wo; pixels past the row are not stored).
fn store1(a: vec4<f32>, b: Block, j: u32) {
  if (b.cb + j >= P.Cog) { return; }
  let v = biased(a, b, j);
  let o = out_index(b.n, b.co0 + j, b.oh * P.Wo + b.ow0);
  dst[o] = v.x;
  if (PX == 1u) { return; } // the other lanes' sums are dead code then
  if (b.ow0 + 1u < P.Wo) { dst[o + 1u] = v.y; }
  if (b.ow0 + 2u < P.Wo) { dst[o + 2u] = v.z; }
  if (b.ow0 + 3u < P.Wo) { dst[o + 3u] = v.w; }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let b = block(gid.x, wid.y, wid.z);
  if (!b.ok) { return; }
  let r = accumulate(b);
  store1(r.a0, b, 0u);
  store1(r.a1, b, 1u);
  store1(r.a2, b, 2u);
  store1(r.a3, b, 3u);
  if (CPI == 8u) {
    store1(r.a4, b, 4u);
    store1(r.a5, b, 5u);
    store1(r.a6, b, 6u);
    store1(r.a7, b, 7u);
  }
}

// `main4`: Wo a multiple of 4, each channel's 4 pixels stored as one vec4.
fn store4(a: vec4<f32>, b: Block, j: u32) {
  if (b.cb + j >= P.Cog) { return; }
  dst4[out_index(b.n, b.co0 + j, b.oh * P.Wo + b.ow0) / 4u] = biased(a, b, j);
}

@compute @workgroup_size(WG)
fn main4(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let b = block(gid.x, wid.y, wid.z);
  if (!b.ok) { return; }
  let r = accumulate(b);
  store4(r.a0, b, 0u);
  store4(r.a1, b, 1u);
  store4(r.a2, b, 2u);
  store4(r.a3, b, 3u);
  if (CPI == 8u) {
    store4(r.a4, b, 4u);
    store4(r.a5, b, 5u);
    store4(r.a6, b, 6u);
    store4(r.a7, b, 7u);
  }
}
