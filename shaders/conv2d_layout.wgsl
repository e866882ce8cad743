// Layout changes around the convolution GEMM. `main`: y[n, co, p] = src[co, n*P + p] (+ bias[co]), from
// the GEMM's [Cout, N*P] result to NCHW. `to_cm`: dst[co, n*P + p] = src[n, co, p], the upstream NCHW
// gradient as the GEMM operand [Cout, N*P]. One thread per element.
struct Params { N: u32, Co: u32, P: u32, total: u32 }
override WG: u32 = 256u;
override BIAS: u32 = 0u;

@group(0) @binding(0) var<uniform> U: Params;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> dst: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= U.total) { return; }
  let p = i % U.P;
  let t = i / U.P;
  let co = t % U.Co;
  let n = t / U.Co;
  var v = src[(co * U.N + n) * U.P + p];
  if (BIAS == 1u) { v += bias[co]; }
  dst[i] = v;
}

@compute @workgroup_size(WG)
fn to_cm(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= U.total) { return; }
  let p = i % U.P;
  let t = i / U.P;
  let n = t % U.N;
  let co = t / U.N;
  dst[i] = src[(n * U.Co + co) * U.P + p];
}
