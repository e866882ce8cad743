// Sum (times `scale`, so also mean), max or min over any set of axes with subgroup operations: one
// workgroup per output, like `reduce.wgsl`'s `main_wg`. Each invocation folds a strided share of the
// reduced elements, each subgroup combines its invocations' values in registers (`subgroupAdd`,
// `subgroupMax`, `subgroupMin`; NaN found by its bits and kept), the first invocation of each writes
// it to workgroup memory (the others the identity, whatever the subgroups' layout), and invocation 0
// combines them: one barrier instead of the tree's eight. Needs the device's `subgroups` feature
// (`init()` requests it where the adapter has it; tempo uses this kernel only there).
enable subgroups;
//#include "_reduce_index.wgsl"
//#include "_reduce_ops.wgsl"

@compute @workgroup_size(WG)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(subgroup_invocation_id) sid: u32,
) {
  let o = wid.x + wid.y * nwg.x;
  let acc = share(o, lid);
  let nan = is_nan(acc);
  let clean = select(acc, init(), nan);
  var v: f32;
  switch OP {
    case OP_MAX: { v = subgroupMax(clean); }
    case OP_MIN: { v = subgroupMin(clean); }
    default: { v = subgroupAdd(clean); }
  }
  // a NaN anywhere in the subgroup: NaN (built at run time, as a constant NaN is an error)
  v = select(v, bitcast<f32>(0x7fc00000u | (P.numel & 0u)), subgroupAny(nan));
  partial[lid] = select(init(), v, sid == 0u);
  workgroupBarrier();
  if (lid == 0u && o < P.numel) {
    var t = init();
    for (var k = 0u; k < WG; k++) {
      t = combine(t, partial[k]);
    }
    out[o] = finish(t);
  }
}
