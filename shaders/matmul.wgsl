// Batched C = op(A) * op(B) (+ bias[n]) (then relu), written for CPU-like WebGPU (llvmpipe) first:
// no workgroup memory and no barriers. Each invocation computes an 8x8 block of C straight from A and B
// with vec4 loads along each operand's contiguous dimension, four k per step, 16 vec4 accumulators.
// Neighbouring invocations (x) take neighbouring 8-column blocks, so the SIMD lanes read adjacent memory.
//
// Storage: A is [M, lda] (TRANS_A: [K, lda]), B is [K, ldb] (TRANS_B: [N, ldb]); lda and ldb are
// multiples of 4 (the caller pads an operand whose contiguous dimension is not, with entry point `pad`)
// and the padding holds zeros. Rows past the end are clamped and their results dropped; the k range
// past K is masked to zero, so no out-of-range value reaches C.
// Split-K: workgroup z = batch * splits + s covers k in [s*kChunk, (s+1)*kChunk) (kChunk a multiple of 4)
// and writes its partial block at C + z*M*N; entry point `reduce` sums the partials (+bias, relu).
//#include "_nan.wgsl"
//#include "_matmul_params.wgsl"

override TRANS_A: u32 = 0u;
override TRANS_B: u32 = 0u;
override BIAS: u32 = 0u;
override RELU: u32 = 0u;
override WX: u32 = 8u;
override WY: u32 = 8u;

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> A: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> B: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> C: array<f32>;

// The 8 x 4 block of op(A) at rows m0.., depths k..k+3, as one vec4 over k per row.
fn loadA(base: u32, m0: u32, k: u32) -> array<vec4<f32>, 8> {
  var r: array<vec4<f32>, 8>;
  if (TRANS_A == 0u) {
    let last = P.M - 1u;
    let k4 = k / 4u;
    r[0] = A[base + min(m0, last) * P.lda4 + k4];
    r[1] = A[base + min(m0 + 1u, last) * P.lda4 + k4];
    r[2] = A[base + min(m0 + 2u, last) * P.lda4 + k4];
    r[3] = A[base + min(m0 + 3u, last) * P.lda4 + k4];
    r[4] = A[base + min(m0 + 4u, last) * P.lda4 + k4];
    r[5] = A[base + min(m0 + 5u, last) * P.lda4 + k4];
    r[6] = A[base + min(m0 + 6u, last) * P.lda4 + k4];
    r[7] = A[base + min(m0 + 7u, last) * P.lda4 + k4];
  } else {
    // A is [K, M]: read rows k..k+3, two vec4s (8 columns m) each, then transpose in registers.
    let lastK = P.K - 1u;
    let lastM4 = (P.M - 1u) / 4u;
    let c0 = min(m0 / 4u, lastM4);
    let c1 = min(m0 / 4u + 1u, lastM4);
    let r0 = base + min(k, lastK) * P.lda4;
    let r1 = base + min(k + 1u, lastK) * P.lda4;
    let r2 = base + min(k + 2u, lastK) * P.lda4;
    let r3 = base + min(k + 3u, lastK) * P.lda4;
    let x0 = A[r0 + c0];
    let y0 = A[r0 + c1];
    let x1 = A[r1 + c0];
    let y1 = A[r1 + c1];
    let x2 = A[r2 + c0];
    let y2 = A[r2 + c1];
    let x3 = A[r3 + c0];
    let y3 = A[r3 + c1];
    r[0] = vec4<f32>(x0.x, x1.x, x2.x, x3.x);
    r[1] = vec4<f32>(x0.y, x1.y, x2.y, x3.y);
    r[2] = vec4<f32>(x0.z, x1.z, x2.z, x3.z);
    r[3] = vec4<f32>(x0.w, x1.w, x2.w, x3.w);
    r[4] = vec4<f32>(y0.x, y1.x, y2.x, y3.x);
    r[5] = vec4<f32>(y0.y, y1.y, y2.y, y3.y);
    r[6] = vec4<f32>(y0.z, y1.z, y2.z, y3.z);
    r[7] = vec4<f32>(y0.w, y1.w, y2.w, y3.w);
  }
  return r;
}

// The 4 x 8 block of op(B) at depths k..k+3, columns n0..: r[2*kk + h] holds columns n0+4h..n0+4h+3.
fn loadB(base: u32, n0: u32, k: u32) -> array<vec4<f32>, 8> {
  var r: array<vec4<f32>, 8>;
  if (TRANS_B == 0u) {
    let lastK = P.K - 1u;
    let lastN4 = (P.N - 1u) / 4u;
    let c0 = min(n0 / 4u, lastN4);
    let c1 = min(n0 / 4u + 1u, lastN4);
    let r0 = base + min(k, lastK) * P.ldb4;
    let r1 = base + min(k + 1u, lastK) * P.ldb4;
    let r2 = base + min(k + 2u, lastK) * P.ldb4;
    let r3 = base + min(k + 3u, lastK) * P.ldb4;
    r[0] = B[r0 + c0];
    r[1] = B[r0 + c1];
    r[2] = B[r1 + c0];
    r[3] = B[r1 + c1];
    r[4] = B[r2 + c0];
    r[5] = B[r2 + c1];
    r[6] = B[r3 + c0];
    r[7] = B[r3 + c1];
  } else {
    // B is [N, K]: one vec4 over k per column, transposed in registers.
    let last = P.N - 1u;
    let k4 = k / 4u;
    let t0 = B[base + min(n0, last) * P.ldb4 + k4];
    let t1 = B[base + min(n0 + 1u, last) * P.ldb4 + k4];
    let t2 = B[base + min(n0 + 2u, last) * P.ldb4 + k4];
    let t3 = B[base + min(n0 + 3u, last) * P.ldb4 + k4];
    let t4 = B[base + min(n0 + 4u, last) * P.ldb4 + k4];
    let t5 = B[base + min(n0 + 5u, last) * P.ldb4 + k4];
    let t6 = B[base + min(n0 + 6u, last) * P.ldb4 + k4];
    let t7 = B[base + min(n0 + 7u, last) * P.ldb4 + k4];
    r[0] = vec4<f32>(t0.x, t1.x, t2.x, t3.x);
    r[1] = vec4<f32>(t4.x, t5.x, t6.x, t7.x);
    r[2] = vec4<f32>(t0.y, t1.y, t2.y, t3.y);
    r[3] = vec4<f32>(t4.y, t5.y, t6.y, t7.y);
    r[4] = vec4<f32>(t0.z, t1.z, t2.z, t3.z);
    r[5] = vec4<f32>(t4.z, t5.z, t6.z, t7.z);
    r[6] = vec4<f32>(t0.w, t1.w, t2.w, t3.w);
    r[7] = vec4<f32>(t4.w, t5.w, t6.w, t7.w);
  }
  return r;
}

// acc[2i + h] += sum over kk of a[i][kk] * b[2kk + h]: one row of the 8x8 block, 8 vec4 FMAs.
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

fn store(baseC: u32, m: u32, n0: u32, lo: vec4<f32>, hi: vec4<f32>) {
  if (m >= P.M) { return; }
  let v = array<f32, 8>(lo.x, lo.y, lo.z, lo.w, hi.x, hi.y, hi.z, hi.w);
  for (var j = 0u; j < 8u; j++) {
    let n = n0 + j;
    if (n < P.N) {
      var x = v[j];
      if (BIAS == 1u) { x += bias[n]; }
      if (RELU == 1u) { x = nan_relu(x); }
      C[baseC + m * P.N + n] = x;
    }
  }
}

// The 8x8 block of invocation gid, as acc[2i + h] = row i, columns 4h..4h+3.
fn product(gid: vec3<u32>) -> array<vec4<f32>, 16> {
  let z = gid.z;
  let batch = z / P.splits;
  let kStart = (z % P.splits) * P.kChunk;
  let kEnd = min(P.K, kStart + P.kChunk);
  let baseA = batch * P.strideA4;
  let baseB = batch * P.strideB4;
  let m0 = gid.y * 8u;
  let n0 = gid.x * 8u;
  var c0 = vec4<f32>();
  var c1 = vec4<f32>();
  var c2 = vec4<f32>();
  var c3 = vec4<f32>();
  var c4 = vec4<f32>();
  var c5 = vec4<f32>();
  var c6 = vec4<f32>();
  var c7 = vec4<f32>();
  var c8 = vec4<f32>();
  var c9 = vec4<f32>();
  var c10 = vec4<f32>();
  var c11 = vec4<f32>();
  var c12 = vec4<f32>();
  var c13 = vec4<f32>();
  var c14 = vec4<f32>();
  var c15 = vec4<f32>();
  let kFull = kStart + (kEnd - kStart) / 4u * 4u;
  for (var k = kStart; k < kEnd; k += 4u) {
    var a = loadA(baseA, m0, k);
    var b = loadB(baseB, n0, k);
    if (k >= kFull) {
      // The last, partial step: zero the depths past kEnd in both operands.
      let keep = vec4<u32>(k, k + 1u, k + 2u, k + 3u) < vec4<u32>(kEnd);
      let z4 = vec4<f32>();
      for (var i = 0u; i < 8u; i++) { a[i] = select(z4, a[i], keep); }
      b[2] = select(z4, b[2], keep.y);
      b[3] = select(z4, b[3], keep.y);
      b[4] = select(z4, b[4], keep.z);
      b[5] = select(z4, b[5], keep.z);
      b[6] = select(z4, b[6], keep.w);
      b[7] = select(z4, b[7], keep.w);
    }
    var r = row(a[0], b, c0, c1);
    c0 = r[0];
    c1 = r[1];
    r = row(a[1], b, c2, c3);
    c2 = r[0];
    c3 = r[1];
    r = row(a[2], b, c4, c5);
    c4 = r[0];
    c5 = r[1];
    r = row(a[3], b, c6, c7);
    c6 = r[0];
    c7 = r[1];
    r = row(a[4], b, c8, c9);
    c8 = r[0];
    c9 = r[1];
    r = row(a[5], b, c10, c11);
    c10 = r[0];
    c11 = r[1];
    r = row(a[6], b, c12, c13);
    c12 = r[0];
    c13 = r[1];
    r = row(a[7], b, c14, c15);
    c14 = r[0];
    c15 = r[1];
  }
  return array<vec4<f32>, 16>(c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15);
}

@compute @workgroup_size(WX, WY, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let c = product(gid);
  let baseC = gid.z * P.M * P.N;
  let m0 = gid.y * 8u;
  let n0 = gid.x * 8u;
  for (var i = 0u; i < 8u; i++) { store(baseC, m0 + i, n0, c[2u * i], c[2u * i + 1u]); }
}

// Output and bias read as vec4s: for N a multiple of 4.
@group(0) @binding(3) var<storage, read> bias4: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> C4: array<vec4<f32>>;

fn store4(base4: u32, m: u32, n4: u32, v: vec4<f32>) {
  if (m >= P.M || n4 >= P.N / 4u) { return; }
  var x = v;
  if (BIAS == 1u) { x += bias4[n4]; }
  if (RELU == 1u) { x = nan_relu4(x); }
  C4[base4 + m * (P.N / 4u) + n4] = x;
}

@compute @workgroup_size(WX, WY, 1)
fn main4(@builtin(global_invocation_id) gid: vec3<u32>) {
  let c = product(gid);
  let base4 = gid.z * P.M * (P.N / 4u);
  let m0 = gid.y * 8u;
  let n4 = gid.x * 2u;
  for (var i = 0u; i < 8u; i++) {
    store4(base4, m0 + i, n4, c[2u * i]);
    store4(base4, m0 + i, n4 + 1u, c[2u * i + 1u]);
  }
}

// ---- helpers sharing this module (each entry point binds only what it uses) ----

struct Aux {
  rows: u32, // pad: rows per batch; reduce: output elements per batch
  cols: u32, // pad: source columns; reduce: splits
  ld: u32, // pad: destination row stride (a multiple of 4); reduce: columns n (for the bias)
  count: u32, // total destination elements
}

@group(0) @binding(0) var<uniform> X: Aux;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(4) var<storage, read_write> dst: array<f32>;

// Copies [batch, rows, cols] into [batch, rows, ld] with zeros in the padding columns.
@compute @workgroup_size(64, 1, 1)
fn pad(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
  let i = gid.x + gid.y * nw.x * 64u;
  if (i >= X.count) { return; }
  let c = i % X.ld;
  let r = i / X.ld; // batch * rows + row
  var v = 0.0;
  if (c < X.cols) { v = src[r * X.cols + c]; }
  dst[i] = v;
}

// dst[b, i] = sum over s of src[b, s, i] (+ bias[i % n]) (then relu): the split-K epilogue.
@compute @workgroup_size(64, 1, 1)
fn reduce(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
  let i = gid.x + gid.y * nw.x * 64u;
  if (i >= X.count) { return; }
  let b = i / X.rows;
  let e = i % X.rows;
  var s = 0.0;
  for (var t = 0u; t < X.cols; t++) { s += src[(b * X.cols + t) * X.rows + e]; }
  if (BIAS == 1u) { s += bias[e % X.ld]; }
  if (RELU == 1u) { s = nan_relu(s); }
  dst[i] = s;
}
