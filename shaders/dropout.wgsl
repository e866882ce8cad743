// Inverted dropout with a counter-based hash: element i is kept when
// pcg(pcg(i) ^ key) >= threshold (threshold = p * 2^32), and scaled by 1 / (1 - p). key mixes the seed
// and a per-call counter on the CPU, so the backward pass (the same kernel on the upstream gradient with
// the same key) applies exactly the forward mask without storing it.
// `base`: the first element of this dispatch when a big tensor is split into several (else 0).
struct Params { n: u32, key: u32, threshold: u32, scale: f32, base: u32 }
override WG: u32 = 256u;

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

fn pcg(v: u32) -> u32 {
  let state = v * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= P.n) { return; }
  let h = pcg(pcg(i + P.base) ^ P.key);
  y[i] = select(0.0, x[i] * P.scale, h >= P.threshold);
}
