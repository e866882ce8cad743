// Batched C = op(A) * op(B) (+ bias[n]) (then relu), register-tiled: each invocation computes a 4x4 block,
// a workgroup of WX x WY invocations a (4*WY) x (4*WX) tile, staged through workgroup memory BK deep.
// TRANS_A: A is stored [K, M] instead of [M, K]; TRANS_B: B is stored [N, K] instead of [K, N].
// Split-K: workgroup z = batch * splits + s covers K range [s*kChunk, (s+1)*kChunk) and writes its own
// partial product at C + (batch*splits + s)*M*N; the caller sums the partials.
struct Params {
  M: u32,
  N: u32,
  K: u32,
  splits: u32,
  strideA: u32,
  strideB: u32,
  kChunk: u32,
  pad: u32,
}

override TRANS_A: u32 = 0u;
override TRANS_B: u32 = 0u;
override BIAS: u32 = 0u;
override RELU: u32 = 0u;
override WX: u32 = 16u;
override WY: u32 = 16u;
const BK: u32 = 16u;

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> A: array<f32>;
@group(0) @binding(2) var<storage, read> B: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> C: array<f32>;

// As[k][m4] holds rows 4*m4 .. 4*m4+3 of the A tile at depth k; Bs[k][n4] columns 4*n4 .. 4*n4+3.
var<workgroup> As: array<vec4<f32>, 256>;
var<workgroup> Bs: array<vec4<f32>, 256>;

fn loadA(base: u32, m: u32, k: u32, kEnd: u32) -> f32 {
  if (m >= P.M || k >= kEnd) { return 0.0; }
  if (TRANS_A == 1u) { return A[base + k * P.M + m]; }
  return A[base + m * P.K + k];
}

fn loadB(base: u32, k: u32, n: u32, kEnd: u32) -> f32 {
  if (n >= P.N || k >= kEnd) { return 0.0; }
  if (TRANS_B == 1u) { return B[base + n * P.K + k]; }
  return B[base + k * P.N + n];
}

@compute @workgroup_size(WX, WY, 1)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(local_invocation_id) lid: vec3<u32>,
) {
  let tileM = 4u * WY;
  let tileN = 4u * WX;
  let z = wid.z;
  let batch = z / P.splits;
  let split = z % P.splits;
  let kStart = split * P.kChunk;
  let kEnd = min(P.K, kStart + P.kChunk);
  let baseA = batch * P.strideA;
  let baseB = batch * P.strideB;
  let m0 = wid.y * tileM;
  let n0 = wid.x * tileN;
  let tid = lid.y * WX + lid.x;
  let nThreads = WX * WY;

  var acc: array<vec4<f32>, 4>;
  for (var k0 = kStart; k0 < kEnd; k0 += BK) {
    // Stage BK x tileM of A and BK x tileN of B, one vec4 (4 rows or 4 columns) per slot.
    for (var s = tid; s < BK * WY; s += nThreads) {
      let kk = s / WY;
      let m4 = s % WY;
      let m = m0 + 4u * m4;
      let k = k0 + kk;
      As[kk * WY + m4] = vec4<f32>(
        loadA(baseA, m, k, kEnd), loadA(baseA, m + 1u, k, kEnd),
        loadA(baseA, m + 2u, k, kEnd), loadA(baseA, m + 3u, k, kEnd));
    }
    for (var s = tid; s < BK * WX; s += nThreads) {
      let kk = s / WX;
      let n4 = s % WX;
      let n = n0 + 4u * n4;
      let k = k0 + kk;
      Bs[kk * WX + n4] = vec4<f32>(
        loadB(baseB, k, n, kEnd), loadB(baseB, k, n + 1u, kEnd),
        loadB(baseB, k, n + 2u, kEnd), loadB(baseB, k, n + 3u, kEnd));
    }
    workgroupBarrier();
    for (var kk = 0u; kk < BK; kk++) {
      let a = As[kk * WY + lid.y];
      let b = Bs[kk * WX + lid.x];
      acc[0] = fma(vec4<f32>(a.x), b, acc[0]);
      acc[1] = fma(vec4<f32>(a.y), b, acc[1]);
      acc[2] = fma(vec4<f32>(a.z), b, acc[2]);
      acc[3] = fma(vec4<f32>(a.w), b, acc[3]);
    }
    workgroupBarrier();
  }

  let mBase = m0 + 4u * lid.y;
  let nBase = n0 + 4u * lid.x;
  let baseC = z * P.M * P.N;
  for (var i = 0u; i < 4u; i++) {
    let m = mBase + i;
    if (m >= P.M) { break; }
    for (var j = 0u; j < 4u; j++) {
      let n = nBase + j;
      if (n >= P.N) { break; }
      var v = acc[i][j];
      if (BIAS == 1u) { v += bias[n]; }
      if (RELU == 1u) { v = max(v, 0.0); }
      C[baseC + m * P.N + n] = v;
    }
  }
}
