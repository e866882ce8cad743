// C = op(A) * op(B) (+ bias[n]) (then relu) for one product with N a multiple of 4, shaped for llvmpipe:
// every storage-buffer load there is a per-lane loop with a bounds check, while a uniform-buffer load at a
// workgroup-uniform address is one scalar load and a texture fetch skips the per-lane loop. So:
// - `packA` writes op(A) (transposed, k zero-padded to a multiple of 4) into 64 KiB panels of a
//   STORAGE|UNIFORM scratch buffer: panel p holds rows [p*R, p*R+R) as R rows of K4 vec4s;
// - `packB` writes op(B) into an rgba32float texture [W, K4*4] (texel (n4, k) = columns 4n4..4n4+3 of
//   row k), zeros past N and K;
// - `main` runs once per panel with that panel bound as a uniform array: a workgroup owns RM rows of C
//   (so its A addresses are workgroup-uniform) and each invocation 8 columns (two texels across);
//   `mainP` binds up to 8 panels per dispatch (workgroup z picks one) where a panel alone has too few
//   workgroups to fill the cores.
// The caller falls back to `matmul.wgsl` for batches, N not a multiple of 4, K > 2048 (fewer than 8
// rows per panel) or B past the texture size limit.

struct Params {
  M: u32,
  N: u32,
  K4: u32,
  r0: u32, // first row of C of this panel
  rows: u32, // rows of this panel
  p0: u32,
  p1: u32,
  p2: u32,
}

const RM: u32 = 8u; // rows of C per workgroup
override WX: u32 = 8u;
override BIAS: u32 = 0u;
override RELU: u32 = 0u;

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<uniform> Au: array<vec4<f32>, 4096>;
@group(0) @binding(2) var Bt: texture_2d<f32>;
@group(0) @binding(3) var<storage, read> bias4: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> C4: array<vec4<f32>>;

@compute @workgroup_size(WX, 1, 1)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let K4 = P.K4;
  let m0 = wg.y * RM;
  let n4 = (wg.x * WX + lid.x) * 2u;
  var lo: array<vec4<f32>, 8>;
  var hi: array<vec4<f32>, 8>;
  for (var k4 = 0u; k4 < K4; k4++) {
    let k = 4u * k4;
    let b0 = textureLoad(Bt, vec2<u32>(n4, k), 0);
    let b1 = textureLoad(Bt, vec2<u32>(n4 + 1u, k), 0);
    let b2 = textureLoad(Bt, vec2<u32>(n4, k + 1u), 0);
    let b3 = textureLoad(Bt, vec2<u32>(n4 + 1u, k + 1u), 0);
    let b4 = textureLoad(Bt, vec2<u32>(n4, k + 2u), 0);
    let b5 = textureLoad(Bt, vec2<u32>(n4 + 1u, k + 2u), 0);
    let b6 = textureLoad(Bt, vec2<u32>(n4, k + 3u), 0);
    let b7 = textureLoad(Bt, vec2<u32>(n4 + 1u, k + 3u), 0);
    for (var i = 0u; i < RM; i++) {
      let a = Au[(m0 + i) * K4 + k4];
      var l = fma(vec4<f32>(a.x), b0, lo[i]);
      var h = fma(vec4<f32>(a.x), b1, hi[i]);
      l = fma(vec4<f32>(a.y), b2, l);
      h = fma(vec4<f32>(a.y), b3, h);
      l = fma(vec4<f32>(a.z), b4, l);
      h = fma(vec4<f32>(a.z), b5, h);
      l = fma(vec4<f32>(a.w), b6, l);
      h = fma(vec4<f32>(a.w), b7, h);
      lo[i] = l;
      hi[i] = h;
    }
  }
  let N4 = P.N / 4u;
  var bl = vec4<f32>();
  var bh = vec4<f32>();
  if (BIAS == 1u) {
    bl = bias4[min(n4, N4 - 1u)];
    bh = bias4[min(n4 + 1u, N4 - 1u)];
  }
  for (var i = 0u; i < RM; i++) {
    let r = m0 + i;
    let m = P.r0 + r;
    if (r < P.rows && m < P.M) {
      var l = lo[i] + bl;
      var h = hi[i] + bh;
      if (RELU == 1u) {
        l = max(l, vec4<f32>());
        h = max(h, vec4<f32>());
      }
      if (n4 < N4) { C4[m * N4 + n4] = l; }
      if (n4 + 1u < N4) { C4[m * N4 + n4 + 1u] = h; }
    }
  }
}

// Several panels per dispatch: workgroup z takes panel z of this dispatch, bound at Au, A1, .. A7 (a
// workgroup-uniform switch around the whole k loop, so each copy keeps uniform loads).
@group(0) @binding(5) var<uniform> A1: array<vec4<f32>, 4096>;
@group(0) @binding(6) var<uniform> A2: array<vec4<f32>, 4096>;
@group(0) @binding(7) var<uniform> A3: array<vec4<f32>, 4096>;
@group(0) @binding(8) var<uniform> A4: array<vec4<f32>, 4096>;
@group(0) @binding(9) var<uniform> A5: array<vec4<f32>, 4096>;
@group(0) @binding(10) var<uniform> A6: array<vec4<f32>, 4096>;
@group(0) @binding(11) var<uniform> A7: array<vec4<f32>, 4096>;

fn loadB(n4: u32, k4: u32) -> array<vec4<f32>, 8> {
  let k = 4u * k4;
  return array<vec4<f32>, 8>(
    textureLoad(Bt, vec2<u32>(n4, k), 0), textureLoad(Bt, vec2<u32>(n4 + 1u, k), 0),
    textureLoad(Bt, vec2<u32>(n4, k + 1u), 0), textureLoad(Bt, vec2<u32>(n4 + 1u, k + 1u), 0),
    textureLoad(Bt, vec2<u32>(n4, k + 2u), 0), textureLoad(Bt, vec2<u32>(n4 + 1u, k + 2u), 0),
    textureLoad(Bt, vec2<u32>(n4, k + 3u), 0), textureLoad(Bt, vec2<u32>(n4 + 1u, k + 3u), 0),
  );
}

fn row(a: vec4<f32>, b: array<vec4<f32>, 8>, lo: vec4<f32>, hi: vec4<f32>) -> array<vec4<f32>, 2> {
  var l = fma(vec4<f32>(a.x), b[0], lo);
  var h = fma(vec4<f32>(a.x), b[1], hi);
  l = fma(vec4<f32>(a.y), b[2], l);
  h = fma(vec4<f32>(a.y), b[3], h);
  l = fma(vec4<f32>(a.z), b[4], l);
  h = fma(vec4<f32>(a.z), b[5], h);
  l = fma(vec4<f32>(a.w), b[6], l);
  h = fma(vec4<f32>(a.w), b[7], h);
  return array<vec4<f32>, 2>(l, h);
}

@compute @workgroup_size(WX, 1, 1)
fn mainP(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let K4 = P.K4;
  let m0 = wg.y * RM;
  let n4 = (wg.x * WX + lid.x) * 2u;
  var lo: array<vec4<f32>, 8>;
  var hi: array<vec4<f32>, 8>;
  switch (wg.z) {
    case 0u: { for (var k4 = 0u; k4 < K4; k4++) { let b = loadB(n4, k4); for (var i = 0u; i < RM; i++) { let r = row(Au[(m0 + i) * K4 + k4], b, lo[i], hi[i]); lo[i] = r[0]; hi[i] = r[1]; } } }
    case 1u: { for (var k4 = 0u; k4 < K4; k4++) { let b = loadB(n4, k4); for (var i = 0u; i < RM; i++) { let r = row(A1[(m0 + i) * K4 + k4], b, lo[i], hi[i]); lo[i] = r[0]; hi[i] = r[1]; } } }
    case 2u: { for (var k4 = 0u; k4 < K4; k4++) { let b = loadB(n4, k4); for (var i = 0u; i < RM; i++) { let r = row(A2[(m0 + i) * K4 + k4], b, lo[i], hi[i]); lo[i] = r[0]; hi[i] = r[1]; } } }
    case 3u: { for (var k4 = 0u; k4 < K4; k4++) { let b = loadB(n4, k4); for (var i = 0u; i < RM; i++) { let r = row(A3[(m0 + i) * K4 + k4], b, lo[i], hi[i]); lo[i] = r[0]; hi[i] = r[1]; } } }
    case 4u: { for (var k4 = 0u; k4 < K4; k4++) { let b = loadB(n4, k4); for (var i = 0u; i < RM; i++) { let r = row(A4[(m0 + i) * K4 + k4], b, lo[i], hi[i]); lo[i] = r[0]; hi[i] = r[1]; } } }
    case 5u: { for (var k4 = 0u; k4 < K4; k4++) { let b = loadB(n4, k4); for (var i = 0u; i < RM; i++) { let r = row(A5[(m0 + i) * K4 + k4], b, lo[i], hi[i]); lo[i] = r[0]; hi[i] = r[1]; } } }
    case 6u: { for (var k4 = 0u; k4 < K4; k4++) { let b = loadB(n4, k4); for (var i = 0u; i < RM; i++) { let r = row(A6[(m0 + i) * K4 + k4], b, lo[i], hi[i]); lo[i] = r[0]; hi[i] = r[1]; } } }
    case 7u: { for (var k4 = 0u; k4 < K4; k4++) { let b = loadB(n4, k4); for (var i = 0u; i < RM; i++) { let r = row(A7[(m0 + i) * K4 + k4], b, lo[i], hi[i]); lo[i] = r[0]; hi[i] = r[1]; } } }
    default: {}
  }
  let N4 = P.N / 4u;
  var bl = vec4<f32>();
  var bh = vec4<f32>();
  if (BIAS == 1u) {
    bl = bias4[min(n4, N4 - 1u)];
    bh = bias4[min(n4 + 1u, N4 - 1u)];
  }
  // P.rows: rows per panel; P.p0: rows of this dispatch.
  for (var i = 0u; i < RM; i++) {
    let r = wg.z * P.rows + m0 + i;
    let m = P.r0 + r;
    if (m0 + i < P.rows && r < P.p0 && m < P.M) {
      var l = lo[i] + bl;
      var h = hi[i] + bh;
      if (RELU == 1u) {
        l = max(l, vec4<f32>());
        h = max(h, vec4<f32>());
      }
      if (n4 < N4) { C4[m * N4 + n4] = l; }
      if (n4 + 1u < N4) { C4[m * N4 + n4 + 1u] = h; }
    }
  }
}

// ---- packing ----

struct Pack {
  M: u32,
  N: u32,
  K: u32,
  K4: u32,
  R: u32, // packA: rows per panel
  count: u32, // packA: vec4s to write; packB: texture width in texels
  rows: u32, // packB: texture height
  p0: u32,
}

override TRANS: u32 = 0u;

@group(0) @binding(0) var<uniform> Q: Pack;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(4) var<storage, read_write> dstA: array<vec4<f32>>;
@group(0) @binding(2) var dstB: texture_storage_2d<rgba32float, write>;

// A is [M, K] (TRANS: [K, M]).
fn aAt(m: u32, k: u32) -> f32 {
  if (k >= Q.K) { return 0.0; }
  if (TRANS == 1u) { return src[k * Q.M + m]; }
  return src[m * Q.K + k];
}

@compute @workgroup_size(64, 1, 1)
fn packA(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
  let g = gid.x + gid.y * nw.x * 64u;
  if (g >= Q.count) { return; }
  let p = g / 4096u;
  let w = g % 4096u;
  let row = w / Q.K4;
  let k = (w % Q.K4) * 4u;
  let m = p * Q.R + row;
  var v = vec4<f32>();
  if (row < Q.R && m < Q.M) {
    v = vec4<f32>(aAt(m, k), aAt(m, k + 1u), aAt(m, k + 2u), aAt(m, k + 3u));
  }
  dstA[g] = v;
}

// B is [K, N] (TRANS: [N, K]).
fn bAt(k: u32, n: u32) -> f32 {
  if (k >= Q.K || n >= Q.N) { return 0.0; }
  if (TRANS == 1u) { return src[n * Q.K + k]; }
  return src[k * Q.N + n];
}

@compute @workgroup_size(8, 8, 1)
fn packB(@builtin(global_invocation_id) gid: vec3<u32>) {
  let n4 = gid.x;
  let k = gid.y;
  if (n4 >= Q.count || k >= Q.rows) { return; }
  let n = n4 * 4u;
  let v = vec4<f32>(bAt(k, n), bAt(k, n + 1u), bAt(k, n + 2u), bAt(k, n + 3u));
  textureStore(dstB, vec2<u32>(n4, k), v);
}

