// `adam.wgsl` over vec4<f32>: 4 elements per invocation, for tensors whose size is a multiple of 4.
alias T = vec4<f32>;
const LANES: u32 = 4u;
//#include "_adam.wgsl"
