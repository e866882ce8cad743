// Sum (times `scale`, so also mean) or max over any set of axes. `main`: one thread per output, for
// short reductions; `main_wg`: one workgroup per output with a tree reduction in workgroup memory.
// `WG` (a power of two, at most 256) is the invocations of either; the autotuner picks among them.
//#include "_reduce_index.wgsl"
//#include "_reduce_ops.wgsl"

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let o = gid.x + gid.y * nwg.x * WG;
  if (o >= P.numel) { return; }
  let b = base_of(o);
  var acc = init();
  for (var r = 0u; r < P.rsize; r++) {
    acc = combine(acc, a[b + roff(r)]);
  }
  out[o] = finish(acc);
}

@compute @workgroup_size(WG)
fn main_wg(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
  @builtin(num_workgroups) nwg: vec3<u32>,
) {
  let o = wid.x + wid.y * nwg.x;
  partial[lid] = share(o, lid);
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s >> 1u) {
    if (lid < s) {
      partial[lid] = combine(partial[lid], partial[lid + s]);
    }
    workgroupBarrier();
  }
  if (lid == 0u && o < P.numel) {
    out[o] = finish(partial[0]);
  }
}
