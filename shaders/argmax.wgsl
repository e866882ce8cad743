// Index (within the reduced axes, row-major) of the first maximum, NaN counting as the maximum (the
// first NaN's index, as PyTorch); one thread per output.
//#include "_reduce_index.wgsl"
//#include "_nan.wgsl"
override WG: u32 = 256u;

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<i32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let o = gid.x + gid.y * nwg.x * WG;
  if (o >= P.numel) { return; }
  let b = base_of(o);
  var best = a[b];
  var bi = 0u;
  for (var r = 1u; r < P.rsize; r++) {
    let v = a[b + roff(r)];
    if (!is_nan(best) && (is_nan(v) || v > best)) {
      best = v;
      bi = r;
    }
  }
  out[o] = i32(bi);
}
