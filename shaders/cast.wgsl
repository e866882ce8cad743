// out[i] = convert(a[strided(i)]) on raw 32-bit words, so no dtype's bits are read as another's:
// OP 0 copies the bits (movement ops of i32 tensors), 1 converts i32 -> f32, 2 converts f32 -> i32
// (truncation toward zero, as PyTorch's `.int()`; NaN gives 0, out-of-range values saturate).
// CONTIG and SCATTER as in `unary.wgsl`, with the same Params.
//#include "_strided.wgsl"
const OP_COPY: u32 = 0u;
const OP_I32_TO_F32: u32 = 1u;
const OP_F32_TO_I32: u32 = 2u;
override OP: u32 = OP_COPY;
override CONTIG: u32 = 0u;
override SCATTER: u32 = 0u;
override WG: u32 = 256u;

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> a: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;

fn f(x: u32) -> u32 {
  switch OP {
    case OP_I32_TO_F32: { return bitcast<u32>(f32(bitcast<i32>(x))); }
    case OP_F32_TO_I32: {
      let v = bitcast<f32>(x);
      if ((x & 0x7fffffffu) > 0x7f800000u) { return 0u; }
      if (v >= 2147483520.0) { return 0x7fffffffu; }
      if (v <= -2147483648.0) { return 0x80000000u; }
      return bitcast<u32>(i32(v));
    }
    default: { return x; }
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flat_index(gid, nwg);
  if (i >= P.numel) { return; }
  if (SCATTER == 1u) {
    let o = strided3(i);
    out[o.y] = f(a[o.x]);
    return;
  }
  var ia = i + P.off.x;
  if (CONTIG == 0u) { ia = strided3(i).x; }
  out[i] = f(a[ia]);
}
