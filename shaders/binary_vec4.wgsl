// Contiguous binary op, four elements per invocation as vec4 (same op numbers as binary.wgsl). Used when
// both operands have the output's shape and the size is a multiple of 4.
//#include "_binary_ops.wgsl"
//#include "_nan.wgsl"
alias T = vec4<f32>;
fn t_max(x: T, y: T) -> T { return nan_max4(x, y); }
fn t_min(x: T, y: T) -> T { return nan_min4(x, y); }
fn t_relu_keep(x: T) -> vec4<bool> { return relu_keep4(x); }
struct Params { n4: u32, pad: u32, s0: f32, s1: f32 }
override OP: u32 = 0u;
override WG: u32 = 256u;

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> a: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> b: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> out: array<vec4<f32>>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= P.n4) { return; }
  out[i] = f(a[i], b[i]);
}
