// Integer ops of two i32 operands with broadcasting (the op numbers of `_binary_ops.wgsl`): 0 add,
// 1 sub, 2 mul, 5 max, 6 min give i32 (wrapping, as PyTorch's int32); the comparisons 7..12 give f32
// 0/1 (tempo's comparison convention), written as their bits.
//#include "_strided.wgsl"
//#include "_binary_op_codes.wgsl"
override OP: u32 = 0u;
override CONTIG: u32 = 0u;
override WG: u32 = 256u;

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> a: array<i32>;
@group(0) @binding(2) var<storage, read> b: array<i32>;
@group(0) @binding(3) var<storage, read_write> out: array<u32>;

fn flag(c: bool) -> u32 { return bitcast<u32>(select(0.0, 1.0, c)); }

fn f(x: i32, y: i32) -> u32 {
  switch OP {
    case OP_ADD: { return bitcast<u32>(x + y); }
    case OP_SUB: { return bitcast<u32>(x - y); }
    case OP_MUL: { return bitcast<u32>(x * y); }
    case OP_MAX: { return bitcast<u32>(max(x, y)); }
    case OP_MIN: { return bitcast<u32>(min(x, y)); }
    case OP_GT: { return flag(x > y); }
    case OP_GE: { return flag(x >= y); }
    case OP_LT: { return flag(x < y); }
    case OP_LE: { return flag(x <= y); }
    case OP_EQ: { return flag(x == y); }
    case OP_NE: { return flag(x != y); }
    default: { return bitcast<u32>(x); }
  }
}

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
