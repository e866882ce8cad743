// The uniforms every optimizer kernel reads: one group's hyperparameters, packed by src/optim/_gpu.ts
// (keep the two layouts in step), and the tensor's element count.
struct Hypers {
  lr: f32,
  momentum: f32,
  beta: f32,
  wd: f32,
  eps: f32,
  dampening: f32,
  decay: f32,
  step_size: f32,
  bc2_sqrt: f32,
  one_minus_mom: f32,
  one_minus_beta: f32,
  flags: u32,
  step: u32,
  pad0: u32,
  pad1: u32,
  pad2: u32,
}
struct Meta { n: u32, pad0: u32, pad1: u32, pad2: u32 }
const DECOUPLED: u32 = 1u;
override WG: u32 = 256u;

@group(0) @binding(0) var<uniform> H: Hypers;
@group(0) @binding(1) var<uniform> M: Meta;
