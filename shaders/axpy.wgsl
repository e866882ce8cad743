// In place: y[i] = y[i] * beta + alpha * x[i]. Accumulates gradients without a new buffer.
struct Params { n: u32, alpha: f32, beta: f32, pad: u32 }
override WG: u32 = 256u;

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= P.n) { return; }
  y[i] = y[i] * P.beta + P.alpha * x[i];
}
