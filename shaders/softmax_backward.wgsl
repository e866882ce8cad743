// Input gradient of softmax (gx = y * (g - sum(g*y))) or log-softmax (gx = g - exp(y) * sum(g)) along
// one dimension of [outer, D, inner]; one thread per row.
struct Params { outer: u32, D: u32, inner: u32, pad: u32 }
override LOG: u32 = 0u;
override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> y: array<f32>;
@group(0) @binding(2) var<storage, read> g: array<f32>;
@group(0) @binding(3) var<storage, read_write> gx: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let r = gid.x + gid.y * nwg.x * WG;
  if (r >= P.outer * P.inner) { return; }
  let base = (r / P.inner) * P.D * P.inner + r % P.inner;
  var s = 0.0;
  for (var d = 0u; d < P.D; d++) {
    let i = base + d * P.inner;
    if (LOG == 1u) { s += g[i]; } else { s += g[i] * y[i]; }
  }
  for (var d = 0u; d < P.D; d++) {
    let i = base + d * P.inner;
    if (LOG == 1u) { gx[i] = g[i] - exp(y[i]) * s; } else { gx[i] = y[i] * (g[i] - s); }
  }
}
