// The body of the texture-path matmul kernels (`matmul_tb.wgsl`, `matmul_tb_sg.wgsl`), which differ
// only in how a workgroup's rows of A reach its invocations: the includer defines `subLane()`,
// `mineA()` and `rowsA()` (see `steps`).
// D = op(A) * T for one large product, shaped for CPU-like WebGPU (llvmpipe), where the invocations of a
// workgroup are the lanes of one SIMD register, a texel fetch is cheaper than a lane-varying storage
// load, and a vec4 load is much cheaper than four scalar ones:
// - T ([K, L], L the lane dimension) is an rgba32float texture: texel (l4, k) = T[k, 4*l4 .. 4*l4+3];
// - A is read as vec4s at workgroup-uniform addresses: a workgroup (LANES invocations, 8 by default)
//   owns RM (16, or 8) rows of D, each invocation CW (2 or 4) texels = 4*CW columns, so a step of 4
//   depths is RM vec4 loads of A, 4*CW fetches and RM*4*CW vec4 FMAs per invocation. The accumulators are named values, not an indexed array (llvmpipe
//   keeps those in memory and runs 3x slower);
// - the epilogue adds bias and ReLU and stores D (TRANS_C = 0: C[m, l]) or its transpose
//   (TRANS_C = 1: C[l, m]), so the caller may put the larger dimension on the lanes. The bias runs along
//   the last dimension of C (l when TRANS_C = 0, m when 1).
// A is [M, lda] (TRANS_A = 0) or [K, lda] (TRANS_A = 1) with lda a multiple of 4 and the padding
// columns zero (the caller pads). Rows past M are clamped and not stored; texels past L are not
// stored; depths past K (the last, partial step) are masked to zero in both operands, so texture rows
// past K may hold anything.
// Split-K: workgroup z covers k in [z*kChunk, (z+1)*kChunk) and writes a partial D at C + z*M*L
// (no bias, no ReLU); `matmul.wgsl` entry point `reduce` sums them.
// `main` stores scalars (any shape); `main4` stores vec4s where C's last dimension is a multiple of 4.
// `packRows` / `packCols` fill the texture (through a staging buffer) where a plain copy does not apply.

//#include "_nan.wgsl"
struct Params {
  M: u32,
  L: u32,
  K: u32,
  lda4: u32, // row stride of A's storage, in vec4s
  kChunk: u32, // depths per split, a multiple of 4
  splits: u32,
  pad0: u32,
  pad1: u32,
}

override CW: u32 = 4u;
override TRANS_A: u32 = 0u;
override TRANS_C: u32 = 0u;
override BIAS: u32 = 0u;
override RELU: u32 = 0u;
// Rows of D per workgroup (16, or 8: half the accumulators, for adapters that spill 16) and
// invocations per workgroup (8: one AVX2 register of llvmpipe; 4 or 16 elsewhere).
override RM: u32 = 16u;
override LANES: u32 = 8u;

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> A: array<vec4<f32>>;
@group(0) @binding(2) var T: texture_2d<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> C: array<f32>;

// Texels l4..l4+3 of depths k..k+3: dJ.xC = T[k+J, 4*(l4+C) ..].
struct Tile {
  d0: mat4x4<f32>,
  d1: mat4x4<f32>,
  d2: mat4x4<f32>,
  d3: mat4x4<f32>,
}

// One row of D: texels 0..3 of the invocation.
struct Row {
  x0: vec4<f32>,
  x1: vec4<f32>,
  x2: vec4<f32>,
  x3: vec4<f32>,
}

fn fetch(l4: u32, k: u32, tail: bool) -> mat4x4<f32> {
  var r: mat4x4<f32>;
  if (!tail || k < P.K) {
    r[0] = textureLoad(T, vec2<u32>(l4, k), 0);
    r[1] = textureLoad(T, vec2<u32>(l4 + 1u, k), 0);
    if (CW > 2u) {
      r[2] = textureLoad(T, vec2<u32>(l4 + 2u, k), 0);
      r[3] = textureLoad(T, vec2<u32>(l4 + 3u, k), 0);
    }
  }
  return r;
}

fn tile(l4: u32, k: u32, tail: bool) -> Tile {
  return Tile(fetch(l4, k, tail), fetch(l4, k + 1u, tail), fetch(l4, k + 2u, tail), fetch(l4, k + 3u, tail));
}

// row += a.x * T[k] + a.y * T[k+1] + a.z * T[k+2] + a.w * T[k+3]
fn fmaRow(r: Row, a: vec4<f32>, t: Tile) -> Row {
  var o = r;
  o.x0 = fma(vec4<f32>(a.w), t.d3[0], fma(vec4<f32>(a.z), t.d2[0], fma(vec4<f32>(a.y), t.d1[0], fma(vec4<f32>(a.x), t.d0[0], o.x0))));
  o.x1 = fma(vec4<f32>(a.w), t.d3[1], fma(vec4<f32>(a.z), t.d2[1], fma(vec4<f32>(a.y), t.d1[1], fma(vec4<f32>(a.x), t.d0[1], o.x1))));
  if (CW > 2u) {
    o.x2 = fma(vec4<f32>(a.w), t.d3[2], fma(vec4<f32>(a.z), t.d2[2], fma(vec4<f32>(a.y), t.d1[2], fma(vec4<f32>(a.x), t.d0[2], o.x2))));
    o.x3 = fma(vec4<f32>(a.w), t.d3[3], fma(vec4<f32>(a.z), t.d2[3], fma(vec4<f32>(a.y), t.d1[3], fma(vec4<f32>(a.x), t.d0[3], o.x3))));
  }
  return o;
}

// op(A)[m0 + 4q + e, k..k+3] for e = 0..3, as columns of a matrix (rows past M clamped; with `tail`,
// depths past K zero).
fn quad(m0: u32, q: u32, k: u32, tail: bool) -> mat4x4<f32> {
  let last = P.M - 1u;
  var r: mat4x4<f32>;
  if (TRANS_A == 0u) {
    let k4 = k / 4u;
    r[0] = A[min(m0 + 4u * q, last) * P.lda4 + k4];
    r[1] = A[min(m0 + 4u * q + 1u, last) * P.lda4 + k4];
    r[2] = A[min(m0 + 4u * q + 2u, last) * P.lda4 + k4];
    r[3] = A[min(m0 + 4u * q + 3u, last) * P.lda4 + k4];
    if (tail) {
      let keep = vec4<u32>(k, k + 1u, k + 2u, k + 3u) < vec4<u32>(P.K);
      r = mat4x4<f32>(select(vec4<f32>(), r[0], keep), select(vec4<f32>(), r[1], keep),
        select(vec4<f32>(), r[2], keep), select(vec4<f32>(), r[3], keep));
    }
  } else {
    // A is [K, lda]: one vec4 over m per depth, transposed in registers (M <= lda, so the clamp to
    // the padded width only ever reads zeros or rows that are dropped).
    let c = min(m0 / 4u + q, P.lda4 - 1u);
    let lastK = P.K - 1u;
    var t: mat4x4<f32>;
    t[0] = A[min(k, lastK) * P.lda4 + c];
    t[1] = A[min(k + 1u, lastK) * P.lda4 + c];
    t[2] = A[min(k + 2u, lastK) * P.lda4 + c];
    t[3] = A[min(k + 3u, lastK) * P.lda4 + c];
    if (tail) {
      t = mat4x4<f32>(select(vec4<f32>(), t[0], k < P.K), select(vec4<f32>(), t[1], k + 1u < P.K),
        select(vec4<f32>(), t[2], k + 2u < P.K), select(vec4<f32>(), t[3], k + 3u < P.K));
    }
    r = transpose(t);
  }
  return r;
}

fn put(base: u32, m: u32, l: u32, v: f32, split: bool) {
  if (l >= P.L) { return; }
  var x = v;
  if (!split) {
    if (BIAS == 1u) { x += bias[select(l, m, TRANS_C == 1u)]; }
    if (RELU == 1u) { x = nan_relu(x); }
  }
  C[base + select(m * P.L + l, l * P.M + m, TRANS_C == 1u)] = x;
}

fn putTexel(base: u32, m: u32, l4: u32, v: vec4<f32>, split: bool) {
  let l = 4u * l4;
  put(base, m, l, v.x, split);
  put(base, m, l + 1u, v.y, split);
  put(base, m, l + 2u, v.z, split);
  put(base, m, l + 3u, v.w, split);
}

fn store(base: u32, m: u32, l4: u32, r: Row, split: bool) {
  if (m >= P.M) { return; }
  putTexel(base, m, l4, r.x0, split);
  putTexel(base, m, l4 + 1u, r.x1, split);
  if (CW > 2u) {
    putTexel(base, m, l4 + 2u, r.x2, split);
    putTexel(base, m, l4 + 3u, r.x3, split);
  }
}

struct Block {
  r0: Row, r1: Row, r2: Row, r3: Row, r4: Row, r5: Row, r6: Row, r7: Row,
  r8: Row, r9: Row, r10: Row, r11: Row, r12: Row, r13: Row, r14: Row, r15: Row,
}

// One step of 4 depths. The rows of A come through the includer's `rowsA(m0, q, k, tail, mine)`
// (quad q of the workgroup's rows), `mine` being what `mineA` loaded for this invocation's `lane`.
fn steps(m0: u32, l4: u32, k: u32, tail: bool, lane: u32, b: Block) -> Block {
  var o = b;
  let t = tile(l4, k, tail);
  let mine = mineA(m0, k, tail, lane);
  var q = rowsA(m0, 0u, k, tail, mine);
  o.r0 = fmaRow(o.r0, q[0], t);
  o.r1 = fmaRow(o.r1, q[1], t);
  o.r2 = fmaRow(o.r2, q[2], t);
  o.r3 = fmaRow(o.r3, q[3], t);
  q = rowsA(m0, 1u, k, tail, mine);
  o.r4 = fmaRow(o.r4, q[0], t);
  o.r5 = fmaRow(o.r5, q[1], t);
  o.r6 = fmaRow(o.r6, q[2], t);
  o.r7 = fmaRow(o.r7, q[3], t);
  if (RM > 8u) {
    q = rowsA(m0, 2u, k, tail, mine);
    o.r8 = fmaRow(o.r8, q[0], t);
    o.r9 = fmaRow(o.r9, q[1], t);
    o.r10 = fmaRow(o.r10, q[2], t);
    o.r11 = fmaRow(o.r11, q[3], t);
    q = rowsA(m0, 3u, k, tail, mine);
    o.r12 = fmaRow(o.r12, q[0], t);
    o.r13 = fmaRow(o.r13, q[1], t);
    o.r14 = fmaRow(o.r14, q[2], t);
    o.r15 = fmaRow(o.r15, q[3], t);
  }
  return o;
}

// The RM x 4*CW block of D of invocation (wg, lid), over the depths of split wg.z.
fn product(wg: vec3<u32>, l4: u32) -> Block {
  let m0 = wg.y * RM;
  let kStart = wg.z * P.kChunk;
  let kEnd = min(P.K, kStart + P.kChunk);
  let kFull = kStart + (kEnd - kStart) / 4u * 4u;
  let lane = subLane();
  var b: Block;
  for (var k = kStart; k < kFull; k += 4u) { b = steps(m0, l4, k, false, lane, b); }
  if (kFull < kEnd) { b = steps(m0, l4, kFull, true, lane, b); }
  return b;
}

// Any shape: scalar stores.
@compute @workgroup_size(LANES, 1, 1)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let l4 = (wg.x * LANES + lid.x) * CW;
  let b = product(wg, l4);
  let m0 = wg.y * RM;
  let split = P.splits > 1u;
  let base = wg.z * P.M * P.L;
  store(base, m0, l4, b.r0, split);
  store(base, m0 + 1u, l4, b.r1, split);
  store(base, m0 + 2u, l4, b.r2, split);
  store(base, m0 + 3u, l4, b.r3, split);
  store(base, m0 + 4u, l4, b.r4, split);
  store(base, m0 + 5u, l4, b.r5, split);
  store(base, m0 + 6u, l4, b.r6, split);
  store(base, m0 + 7u, l4, b.r7, split);
  if (RM == 8u) { return; }
  store(base, m0 + 8u, l4, b.r8, split);
  store(base, m0 + 9u, l4, b.r9, split);
  store(base, m0 + 10u, l4, b.r10, split);
  store(base, m0 + 11u, l4, b.r11, split);
  store(base, m0 + 12u, l4, b.r12, split);
  store(base, m0 + 13u, l4, b.r13, split);
  store(base, m0 + 14u, l4, b.r14, split);
  store(base, m0 + 15u, l4, b.r15, split);
}

// ---- vec4 stores (`main4`): C's last dimension a multiple of 4 (L when TRANS_C = 0, M when 1) ----

@group(0) @binding(3) var<storage, read> bias4: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> C4: array<vec4<f32>>;

fn epilogue4(v: vec4<f32>, b4: u32, split: bool) -> vec4<f32> {
  var x = v;
  if (!split) {
    if (BIAS == 1u) { x += bias4[b4]; }
    if (RELU == 1u) { x = nan_relu4(x); }
  }
  return x;
}

// TRANS_C = 0: one texel of row m per store.
fn storeRow4(base4: u32, m: u32, l4: u32, r: Row, split: bool) {
  if (m >= P.M) { return; }
  let L4 = P.L / 4u;
  let o = base4 + m * L4;
  if (l4 < L4) { C4[o + l4] = epilogue4(r.x0, l4, split); }
  if (l4 + 1u < L4) { C4[o + l4 + 1u] = epilogue4(r.x1, l4 + 1u, split); }
  if (CW > 2u) {
    if (l4 + 2u < L4) { C4[o + l4 + 2u] = epilogue4(r.x2, l4 + 2u, split); }
    if (l4 + 3u < L4) { C4[o + l4 + 3u] = epilogue4(r.x3, l4 + 3u, split); }
  }
}

// TRANS_C = 1: rows m..m+3 of one column l of D are 4 consecutive floats of C.
fn putQuad(base4: u32, m: u32, l: u32, v: vec4<f32>, split: bool) {
  if (l < P.L) { C4[base4 + (l * P.M + m) / 4u] = epilogue4(v, m / 4u, split); }
}

fn texelQuad(base4: u32, m: u32, l4: u32, a: vec4<f32>, b: vec4<f32>, c: vec4<f32>, d: vec4<f32>, split: bool) {
  let t = transpose(mat4x4<f32>(a, b, c, d)); // t[e] = column 4*l4 + e of rows m..m+3
  let l = 4u * l4;
  putQuad(base4, m, l, t[0], split);
  putQuad(base4, m, l + 1u, t[1], split);
  putQuad(base4, m, l + 2u, t[2], split);
  putQuad(base4, m, l + 3u, t[3], split);
}

fn storeQuad4(base4: u32, m: u32, l4: u32, a: Row, b: Row, c: Row, d: Row, split: bool) {
  if (m >= P.M) { return; } // M % 4 == 0: the quad is whole or past the end
  texelQuad(base4, m, l4, a.x0, b.x0, c.x0, d.x0, split);
  texelQuad(base4, m, l4 + 1u, a.x1, b.x1, c.x1, d.x1, split);
  if (CW > 2u) {
    texelQuad(base4, m, l4 + 2u, a.x2, b.x2, c.x2, d.x2, split);
    texelQuad(base4, m, l4 + 3u, a.x3, b.x3, c.x3, d.x3, split);
  }
}

@compute @workgroup_size(LANES, 1, 1)
fn main4(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let l4 = (wg.x * LANES + lid.x) * CW;
  let b = product(wg, l4);
  let m0 = wg.y * RM;
  let split = P.splits > 1u;
  let base4 = wg.z * P.M * P.L / 4u;
  if (TRANS_C == 1u) {
    storeQuad4(base4, m0, l4, b.r0, b.r1, b.r2, b.r3, split);
    storeQuad4(base4, m0 + 4u, l4, b.r4, b.r5, b.r6, b.r7, split);
    if (RM == 8u) { return; }
    storeQuad4(base4, m0 + 8u, l4, b.r8, b.r9, b.r10, b.r11, split);
    storeQuad4(base4, m0 + 12u, l4, b.r12, b.r13, b.r14, b.r15, split);
    return;
  }
  storeRow4(base4, m0, l4, b.r0, split);
  storeRow4(base4, m0 + 1u, l4, b.r1, split);
  storeRow4(base4, m0 + 2u, l4, b.r2, split);
  storeRow4(base4, m0 + 3u, l4, b.r3, split);
  storeRow4(base4, m0 + 4u, l4, b.r4, split);
  storeRow4(base4, m0 + 5u, l4, b.r5, split);
  storeRow4(base4, m0 + 6u, l4, b.r6, split);
  storeRow4(base4, m0 + 7u, l4, b.r7, split);
  if (RM == 8u) { return; }
  storeRow4(base4, m0 + 8u, l4, b.r8, split);
  storeRow4(base4, m0 + 9u, l4, b.r9, split);
  storeRow4(base4, m0 + 10u, l4, b.r10, split);
  storeRow4(base4, m0 + 11u, l4, b.r11, split);
  storeRow4(base4, m0 + 12u, l4, b.r12, split);
  storeRow4(base4, m0 + 13u, l4, b.r13, split);
  storeRow4(base4, m0 + 14u, l4, b.r14, split);
  storeRow4(base4, m0 + 15u, l4, b.r15, split);
}

// ---- packing: op into a staging buffer laid out as the texture (row pitch W4 texels, a multiple of
// 16 so that the copy into the texture has 256-byte rows): texel (l4, k) = T[k, 4*l4 ..], zeros past L
// and K. Buffer stores and a copy are ~2x faster than texture stores on llvmpipe.

struct Pack {
  K: u32,
  L: u32,
  ld: u32, // row stride of the source, in floats
  W4: u32, // row pitch of the staging buffer, in texels
  W: u32, // texture width (texels)
  H: u32, // texture height (rows, K rounded up to 4)
  pad0: u32,
  pad1: u32,
}

@group(0) @binding(0) var<uniform> Q: Pack;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read> src4: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> dst: array<vec4<f32>>;

fn srcAt(i: u32, ok: bool) -> f32 {
  if (!ok) { return 0.0; }
  return src[i];
}

// From T [K, ld]: neighbouring invocations take neighbouring texels of one row (contiguous reads).
// (Unrolled by hand: llvmpipe keeps loop-indexed vectors and arrays in memory.)
@compute @workgroup_size(64, 1, 1)
fn packRows(@builtin(global_invocation_id) gid: vec3<u32>) {
  let l4 = gid.x;
  let k = gid.y;
  if (l4 >= Q.W || k >= Q.H) { return; }
  let l = 4u * l4;
  let i = k * Q.ld + l;
  let ok = k < Q.K;
  dst[k * Q.W4 + l4] = vec4<f32>(
    srcAt(i, ok && l < Q.L),
    srcAt(i + 1u, ok && l + 1u < Q.L),
    srcAt(i + 2u, ok && l + 2u < Q.L),
    srcAt(i + 3u, ok && l + 3u < Q.L),
  );
}

// ALIGNED = 1: ld, K and L multiples of 4, so every read is a whole vec4 in range.
override ALIGNED: u32 = 0u;

// T^T[l, k0 .. k0+3], zeros past L and K.
fn colsAt(l: u32, k0: u32) -> vec4<f32> {
  if (ALIGNED == 1u) { return src4[(l * Q.ld + k0) / 4u]; }
  if (l >= Q.L) { return vec4<f32>(); }
  let i = l * Q.ld + k0;
  var r: vec4<f32>;
  if (Q.ld % 4u == 0u) {
    r = src4[i / 4u];
  } else {
    let last = l * Q.ld + Q.K - 1u;
    r = vec4<f32>(src[min(i, last)], src[min(i + 1u, last)], src[min(i + 2u, last)], src[min(i + 3u, last)]);
  }
  return select(vec4<f32>(), r, vec4<u32>(k0, k0 + 1u, k0 + 2u, k0 + 3u) < vec4<u32>(Q.K));
}

// From T^T [L, ld]: an invocation reads 4 depths of 4 rows l and writes them transposed, as 4 texels
// of one column; neighbouring invocations take neighbouring depths. vec4 reads when ld % 4 == 0.
@compute @workgroup_size(64, 1, 1)
fn packCols(@builtin(global_invocation_id) gid: vec3<u32>) {
  let k0 = 4u * gid.x;
  let l4 = gid.y;
  if (l4 >= Q.W || k0 >= Q.H) { return; }
  let l = 4u * l4;
  let t = transpose(mat4x4<f32>(colsAt(l, k0), colsAt(l + 1u, k0), colsAt(l + 2u, k0), colsAt(l + 3u, k0)));
  dst[k0 * Q.W4 + l4] = t[0];
  dst[(k0 + 1u) * Q.W4 + l4] = t[1];
  dst[(k0 + 2u) * Q.W4 + l4] = t[2];
  dst[(k0 + 3u) * Q.W4 + l4] = t[3];
}
