// Fused training-mode batch norm around a convolution's GEMM (see `src/tensor/ops/conv_bn.ts`), vec4
// path (pixels per image P a multiple of 4). x = the GEMM output, channel-major [C, N*P]; the upstream
// gradient g and the output y are NCHW. ONE workgroup per channel does everything for its channel, so
// the statistics need no second dispatch and no buffer round trip:
// `fwd`: single pass over the channel's row for sum and sum of squares (shifted by the row's first
//   value, which keeps the f32 sums well conditioned), a workgroup tree reduction, the stats
//   [mean (C), invstd (C)] for the backward, the running-buffer update (P.update = 1; SHIFT = 1 adds
//   the conv bias cbias[c] to the mean), then y = [relu](x * scale + shift) in NCHW.
// `bwd`: one pass for sg = sum(g') (= dbias) and sgx = sum(g' * xhat) (= dweight), g' the upstream
//   gradient masked by the recomputed ReLU (RELU = 1), then dx = w * invstd * (g' - sg/M - xhat*sgx/M)
//   written channel-major (the conv backward's GEMM operand).
// Every loop is flat over the channel's M/4 vec4s, WG apart; the matching NCHW index of g / y moves by a
// cursor (one division per thread, none per element: on llvmpipe a flat loop costs far less than nested
// per-image loops). AFFINE = 0: no weight / bias. XCM = 0 runs the same kernels for `batchNorm` itself:
// x and dx are then NCHW too (read / written through the cursor).
struct Params {
  C: u32, N: u32, P4: u32, M: u32,
  eps: f32, momentum: f32, update: u32, pad: u32,
}
const WG: u32 = 64u;
override AFFINE: u32 = 1u;
//#include "_nan.wgsl"
override RELU: u32 = 0u;
override SHIFT: u32 = 0u;
// XCM = 0: x (and the backward's dx) are NCHW like g and y (plain `batchNorm` of [N, C, H, W]).
override XCM: u32 = 1u;

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> weight: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> rmean: array<f32>;
@group(0) @binding(5) var<storage, read_write> rvar: array<f32>;
@group(0) @binding(6) var<storage, read_write> stats: array<f32>;
@group(0) @binding(7) var<storage, read> g: array<vec4<f32>>;
@group(0) @binding(8) var<storage, read_write> out: array<vec4<f32>>;
@group(0) @binding(9) var<storage, read_write> sg: array<f32>;
@group(0) @binding(10) var<storage, read_write> sgx: array<f32>;
@group(0) @binding(11) var<storage, read> cbias: array<f32>;

var<workgroup> red: array<f32, 64>;
var<workgroup> red2: array<f32, 64>;

fn hsum(v: vec4<f32>) -> f32 {
  return (v.x + v.y) + (v.z + v.w);
}

// Tree-sums red and red2 over the workgroup; the totals end in red[0], red2[0].
fn reduce2(lid: u32) {
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    workgroupBarrier();
    if (lid < s) {
      red[lid] += red[lid + s];
      red2[lid] += red2[lid + s];
    }
  }
  workgroupBarrier();
}

// y = x * scale + shift is the affine normalisation; the backward recomputes the ReLU mask with the
// same expression, so it matches the forward's exactly.
fn scale_shift(c: u32, mean: f32, inv: f32) -> vec2<f32> {
  var sc = inv;
  var sh = -mean * inv;
  if (AFFINE == 1u) {
    sc = inv * weight[c];
    sh = bias[c] - mean * sc;
  }
  return vec2<f32>(sc, sh);
}

// Position of flat value v = n * P4 + j of channel c in an NCHW vec4 array: o = (n * C + c) * P4 + j.
struct Cursor { j: u32, o: u32 }

fn cursor(c: u32, v: u32) -> Cursor {
  let n = v / P.P4;
  let j = v - n * P.P4;
  return Cursor(j, (n * P.C + c) * P.P4 + j);
}

// Moves the cursor WG values on: dj = WG % P4, step = (WG / P4) * C * P4 + dj (precomputed).
fn advance(cur: Cursor, dj: u32, step: u32) -> Cursor {
  var r = Cursor(cur.j + dj, cur.o + step);
  if (r.j >= P.P4) {
    r.j -= P.P4;
    r.o += (P.C - 1u) * P.P4;
  }
  return r;
}

// Index of flat value v of the channel in x / dx: row + v channel-major, the cursor's o in NCHW.
fn xi(row: u32, v: u32, o: u32) -> u32 {
  if (XCM == 1u) { return row + v; }
  return o;
}

@compute @workgroup_size(64)
fn fwd(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
  @builtin(num_workgroups) nwg: vec3<u32>,
) {
  let c = wid.x + wid.y * nwg.x;
  if (c >= P.C) { return; }
  let M4 = P.N * P.P4;
  let row = c * M4;
  let dn = WG / P.P4;
  let dj = WG - dn * P.P4;
  let step = dn * P.C * P.P4 + dj;
  let cur0 = cursor(c, lid);
  let k = x[xi(row, 0u, c * P.P4)].x;
  let kv = vec4<f32>(k);
  var s1 = vec4<f32>(0.0);
  var s2 = vec4<f32>(0.0);
  var cur = cur0;
  for (var v = lid; v < M4; v += WG) {
    let d = x[xi(row, v, cur.o)] - kv;
    s1 += d;
    s2 += d * d;
    if (XCM == 0u) { cur = advance(cur, dj, step); }
  }
  red[lid] = hsum(s1);
  red2[lid] = hsum(s2);
  reduce2(lid);
  let Mf = f32(P.M);
  let d1 = red[0] / Mf;
  let mean = k + d1;
  let vr = nan_max(red2[0] / Mf - d1 * d1, 0.0);
  let inv = inverseSqrt(vr + P.eps);
  if (lid == 0u) {
    stats[c] = mean;
    stats[P.C + c] = inv;
    if (P.update == 1u) {
      let unbiased = vr * Mf / f32(max(P.M, 2u) - 1u);
      var shifted = mean;
      if (SHIFT == 1u) { shifted += cbias[c]; }
      rmean[c] = (1.0 - P.momentum) * rmean[c] + P.momentum * shifted;
      rvar[c] = (1.0 - P.momentum) * rvar[c] + P.momentum * unbiased;
    }
  }
  let ss = scale_shift(c, mean, inv);
  let sc = vec4<f32>(ss.x);
  let sh = vec4<f32>(ss.y);
  cur = cur0;
  for (var v = lid; v < M4; v += WG) {
    var y = x[xi(row, v, cur.o)] * sc + sh;
    if (RELU == 1u) { y = nan_relu4(y); }
    out[cur.o] = y;
    cur = advance(cur, dj, step);
  }
}

@compute @workgroup_size(64)
fn bwd(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
  @builtin(num_workgroups) nwg: vec3<u32>,
) {
  let c = wid.x + wid.y * nwg.x;
  if (c >= P.C) { return; }
  let M4 = P.N * P.P4;
  let row = c * M4;
  let mean = stats[c];
  let inv = stats[P.C + c];
  let ss = scale_shift(c, mean, inv);
  let sc = vec4<f32>(ss.x);
  let sh = vec4<f32>(ss.y);
  let mv = vec4<f32>(mean);
  let dn = WG / P.P4;
  let dj = WG - dn * P.P4;
  let step = dn * P.C * P.P4 + dj;
  let cur0 = cursor(c, lid);
  var cur = cur0;
  var a = vec4<f32>(0.0);
  var b = vec4<f32>(0.0);
  for (var v = lid; v < M4; v += WG) {
    let xv = x[xi(row, v, cur.o)];
    var gv = g[cur.o];
    if (RELU == 1u) { gv = select(vec4<f32>(0.0), gv, relu_keep4(xv * sc + sh)); }
    a += gv;
    b += gv * (xv - mv);
    cur = advance(cur, dj, step);
  }
  red[lid] = hsum(a);
  red2[lid] = hsum(b);
  reduce2(lid);
  let sgc = red[0];
  let sgxc = red2[0] * inv;
  if (lid == 0u) {
    sg[c] = sgc;
    sgx[c] = sgxc;
  }
  var ws = inv;
  if (AFFINE == 1u) { ws *= weight[c]; }
  let Mf = f32(P.M);
  let cg = vec4<f32>(sgc / Mf);
  let cx = vec4<f32>(sgxc / Mf);
  let iv = vec4<f32>(inv);
  let wv = vec4<f32>(ws);
  cur = cur0;
  for (var v = lid; v < M4; v += WG) {
    let xv = x[xi(row, v, cur.o)];
    var gv = g[cur.o];
    if (RELU == 1u) { gv = select(vec4<f32>(0.0), gv, relu_keep4(xv * sc + sh)); }
    let xhat = (xv - mv) * iv;
    out[xi(row, v, cur.o)] = wv * (gv - cg - xhat * cx);
    cur = advance(cur, dj, step);
  }
}
