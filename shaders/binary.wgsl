// out[i] = f(a[strided(i)], b[strided(i)]): arithmetic with broadcasting, comparisons and fused activation
// gradients (a = forward input or output, b = upstream gradient).
//#include "_strided.wgsl"
//#include "_binary_ops.wgsl"
//#include "_nan.wgsl"
alias T = f32;
fn t_max(x: T, y: T) -> T { return nan_max(x, y); }
fn t_min(x: T, y: T) -> T { return nan_min(x, y); }
fn t_relu_keep(x: T) -> bool { return relu_keep(x); }
override OP: u32 = 0u;
override CONTIG: u32 = 0u;
override WG: u32 = 256u;

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flat_index(gid, nwg);
  if (i >= P.numel) { return; }
  if (CONTIG == 1u) {
    out[i] = f(a[i + P.off.x], b[i + P.off.y]);
  } else {
    let o = strided3(i);
    out[i] = f(a[o.x], b[o.y]);
  }
}
