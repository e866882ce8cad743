// The uniforms every optimizer kernel reads: one group's hyperparameters and the tensor's element count.
// src/optim/_gpu.ts packs them through the generated layout (`layouts.optim_hypers`) and takes the flag
// bits of `Hypers.flags` from the generated `constants`.
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
const NESTEROV: u32 = 2u;
const AMSGRAD: u32 = 4u;
const CENTERED: u32 = 8u;
const FIRST: u32 = 16u;
override WG: u32 = 256u;

@group(0) @binding(0) var<uniform> H: Hypers;
@group(0) @binding(1) var<uniform> M: Meta;
