// Batched C = op(A) * op(B) (+ bias[n]) (then relu), shaped for GPUs: a workgroup of TX x TY
// invocations (64 to 256) computes a (4*TY) x (4*TX) tile of C. Per step of BK depths the workgroup
// stages the tile's panels of op(A) and op(B) in workgroup memory (vec4 loads from storage along each
// operand's contiguous dimension), then each invocation accumulates a 4x4 register block (rows
// 4*ly.., columns 4*lx..) from vec4 reads of both panels. The same storage contract as matmul.wgsl
// (the sibling kernel shaped for llvmpipe):
//
// Storage: A is [M, lda] (TRANS_A: [K, lda]), B is [K, ldb] (TRANS_B: [N, ldb]); lda and ldb are
// multiples of 4 (the caller pads) and the padding holds zeros. Rows and columns past the end are
// clamped and their results dropped; depths at or past the chunk's end are zeroed in both panels, so no
// out-of-range value reaches C. Split-K: workgroup z = batch * splits + s covers k in
// [s*kChunk, (s+1)*kChunk) (kChunk a multiple of 4) and writes its partial tile at C + z*M*N; the
// caller sums the partials with matmul.wgsl `reduce` (+bias, relu), so BIAS/RELU are 0 then.
//#include "_nan.wgsl"
//#include "_matmul_params.wgsl"

override TRANS_A: u32 = 0u;
override TRANS_B: u32 = 0u;
override BIAS: u32 = 0u;
override RELU: u32 = 0u;
// Invocations along n and m; each takes 4 columns and 4 rows. 8 or 16 each (tiles of 32 or 64).
override TX: u32 = 16u;
override TY: u32 = 16u;

// Depths staged per step (the panels below hold BK depths of a tile side of at most 64).
const BK: u32 = 16u;

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> A: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> B: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> C: array<f32>;

// Panels, depth-major: As[kk * TY + r4] holds op(A) rows 4*r4..4*r4+3 at depth kk, Bs likewise
// columns of op(B).
var<workgroup> As: array<vec4<f32>, 256>; // BK * 64 / 4
var<workgroup> Bs: array<vec4<f32>, 256>;

// Elements k..k+3 of a vec4 along the depth, zero at and past kEnd.
fn maskK(v: vec4<f32>, k: u32, kEnd: u32) -> vec4<f32> {
  let keep = vec4<u32>(k, k + 1u, k + 2u, k + 3u) < vec4<u32>(kEnd);
  return select(vec4<f32>(), v, keep);
}

// Stages op(A)[m0.., k0..k0+BK) and op(B)[k0..k0+BK), n0..) in As and Bs.
fn stage(baseA: u32, baseB: u32, m0: u32, n0: u32, k0: u32, kEnd: u32, lid: u32) {
  let threads = TX * TY;
  let bm4 = TY; // vec4s per depth of the A panel (4*TY rows)
  let bn4 = TX;
  let lastK4 = (kEnd - 1u) / 4u;
  if (TRANS_A == 0u) {
    // A [M, lda]: per row, BK/4 vec4s along k, scattered to 4 depths.
    for (var i = lid; i < 4u * TY * (BK / 4u); i += threads) {
      let r = i / (BK / 4u);
      let c = i % (BK / 4u);
      let m = min(m0 + r, P.M - 1u);
      let k = k0 + 4u * c;
      let v = maskK(A[baseA + m * P.lda4 + min(k / 4u, lastK4)], k, kEnd);
      let e = r % 4u;
      As[(4u * c) * bm4 + r / 4u][e] = v.x;
      As[(4u * c + 1u) * bm4 + r / 4u][e] = v.y;
      As[(4u * c + 2u) * bm4 + r / 4u][e] = v.z;
      As[(4u * c + 3u) * bm4 + r / 4u][e] = v.w;
    }
  } else {
    // A [K, lda]: per depth, TY vec4s along m, stored as they come.
    for (var i = lid; i < BK * bm4; i += threads) {
      let kk = i / bm4;
      let c = i % bm4;
      let k = k0 + kk;
      let m4 = min(m0 / 4u + c, (P.M - 1u) / 4u);
      var v = A[baseA + min(k, P.K - 1u) * P.lda4 + m4];
      if (k >= kEnd) { v = vec4<f32>(); }
      As[kk * bm4 + c] = v;
    }
  }
  if (TRANS_B == 0u) {
    // B [K, ldb]: per depth, TX vec4s along n, stored as they come.
    for (var i = lid; i < BK * bn4; i += threads) {
      let kk = i / bn4;
      let c = i % bn4;
      let k = k0 + kk;
      let n4 = min(n0 / 4u + c, (P.N - 1u) / 4u);
      var v = B[baseB + min(k, P.K - 1u) * P.ldb4 + n4];
      if (k >= kEnd) { v = vec4<f32>(); }
      Bs[kk * bn4 + c] = v;
    }
  } else {
    // B [N, ldb]: per column, BK/4 vec4s along k, scattered to 4 depths.
    for (var i = lid; i < 4u * TX * (BK / 4u); i += threads) {
      let r = i / (BK / 4u);
      let c = i % (BK / 4u);
      let n = min(n0 + r, P.N - 1u);
      let k = k0 + 4u * c;
      let v = maskK(B[baseB + n * P.ldb4 + min(k / 4u, lastK4)], k, kEnd);
      let e = r % 4u;
      Bs[(4u * c) * bn4 + r / 4u][e] = v.x;
      Bs[(4u * c + 1u) * bn4 + r / 4u][e] = v.y;
      Bs[(4u * c + 2u) * bn4 + r / 4u][e] = v.z;
      Bs[(4u * c + 3u) * bn4 + r / 4u][e] = v.w;
    }
  }
}

// The 4x4 block of invocation (lx, ly) of workgroup wid: acc[i] = row 4*ly + i, columns 4*lx..+3.
fn product(wid: vec3<u32>, lx: u32, ly: u32) -> array<vec4<f32>, 4> {
  let z = wid.z;
  let batch = z / P.splits;
  let kStart = (z % P.splits) * P.kChunk;
  let kEnd = min(P.K, kStart + P.kChunk);
  let baseA = batch * P.strideA4;
  let baseB = batch * P.strideB4;
  let m0 = wid.y * 4u * TY;
  let n0 = wid.x * 4u * TX;
  let lid = ly * TX + lx;
  var c0 = vec4<f32>();
  var c1 = vec4<f32>();
  var c2 = vec4<f32>();
  var c3 = vec4<f32>();
  for (var k0 = kStart; k0 < kEnd; k0 += BK) {
    stage(baseA, baseB, m0, n0, k0, kEnd, lid);
    workgroupBarrier();
    for (var kk = 0u; kk < BK; kk++) {
      let a = As[kk * TY + ly];
      let b = Bs[kk * TX + lx];
      c0 = fma(vec4<f32>(a.x), b, c0);
      c1 = fma(vec4<f32>(a.y), b, c1);
      c2 = fma(vec4<f32>(a.z), b, c2);
      c3 = fma(vec4<f32>(a.w), b, c3);
    }
    workgroupBarrier();
  }
  return array<vec4<f32>, 4>(c0, c1, c2, c3);
}

@compute @workgroup_size(TX, TY, 1)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(local_invocation_id) lid: vec3<u32>,
) {
  let c = product(wid, lid.x, lid.y);
  let baseC = wid.z * P.M * P.N;
  let n0 = wid.x * 4u * TX + 4u * lid.x;
  for (var i = 0u; i < 4u; i++) {
    let m = wid.y * 4u * TY + 4u * lid.y + i;
    if (m >= P.M) { break; }
    for (var j = 0u; j < 4u; j++) {
      let n = n0 + j;
      if (n < P.N) {
        var x = c[i][j];
        if (BIAS == 1u) { x += bias[n]; }
        if (RELU == 1u) { x = nan_relu(x); }
        C[baseC + m * P.N + n] = x;
      }
    }
  }
}

// Output and bias read as vec4s: for N a multiple of 4.
@group(0) @binding(3) var<storage, read> bias4: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> C4: array<vec4<f32>>;

@compute @workgroup_size(TX, TY, 1)
fn main4(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(local_invocation_id) lid: vec3<u32>,
) {
  let c = product(wid, lid.x, lid.y);
  let n4s = P.N / 4u;
  let base4 = wid.z * P.M * n4s;
  let n4 = wid.x * TX + lid.x;
  if (n4 >= n4s) { return; }
  for (var i = 0u; i < 4u; i++) {
    let m = wid.y * 4u * TY + 4u * lid.y + i;
    if (m >= P.M) { return; }
    var x = c[i];
    if (BIAS == 1u) { x += bias4[n4]; }
    if (RELU == 1u) { x = nan_relu4(x); }
    C4[base4 + m * n4s + n4] = x;
  }
}
