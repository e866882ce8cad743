// out[i] = cond[i] != 0 ? a[i] : b[i], all three operands strided (broadcasting).
//#include "_strided.wgsl"
override WG: u32 = 256u;

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> c: array<f32>;
@group(0) @binding(2) var<storage, read> a: array<f32>;
@group(0) @binding(3) var<storage, read> b: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flat_index(gid, nwg);
  if (i >= P.numel) { return; }
  let o = strided3(i);
  out[i] = select(b[o.z], a[o.y], c[o.x] != 0.0);
}
