// Softmax / log-softmax along one dimension of a tensor seen as [outer, D, inner]; one thread per
// (outer, inner) row. `backward`: given the forward output y and upstream g, the input gradient.
struct Params { outer: u32, D: u32, inner: u32, pad: u32 }
override LOG: u32 = 0u;
override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let r = gid.x + gid.y * nwg.x * WG;
  if (r >= P.outer * P.inner) { return; }
  let base = (r / P.inner) * P.D * P.inner + r % P.inner;
  var m = -3.402823e38;
  for (var d = 0u; d < P.D; d++) { m = max(m, x[base + d * P.inner]); }
  var s = 0.0;
  for (var d = 0u; d < P.D; d++) { s += exp(x[base + d * P.inner] - m); }
  let ls = log(s);
  for (var d = 0u; d < P.D; d++) {
    let i = base + d * P.inner;
    if (LOG == 1u) { y[i] = x[i] - m - ls; } else { y[i] = exp(x[i] - m) / s; }
  }
}
