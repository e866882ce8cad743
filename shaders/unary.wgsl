// out[i] = f(a[strided(i)], s0, s1): copies, permutes and every unary op with up to two scalar operands.
//#include "_strided.wgsl"
//#include "_nan.wgsl"
override OP: u32 = 0u;
override CONTIG: u32 = 0u;
// SCATTER = 1: iterate over `shape`, read a at strides sa and write out at strides sb (pad, concat).
override SCATTER: u32 = 0u;
override WG: u32 = 256u;

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

fn ipow(x: f32, p: f32) -> f32 {
  // pow() is NaN for x < 0 in WGSL; integer exponents keep their sign as in PyTorch.
  if (x < 0.0 && fract(p) == 0.0) {
    let y = pow(-x, p);
    if (fract(p * 0.5) == 0.0) { return y; }
    return -y;
  }
  if (x == 0.0 && p == 0.0) { return 1.0; }
  return pow(x, p);
}

fn f(x: f32) -> f32 {
  switch OP {
    case 0u: { return x; }
    case 1u: { return -x; }
    case 2u: { return exp(x); }
    case 3u: { return log(x); }
    case 4u: { return sqrt(x); }
    case 5u: { return nan_relu(x); }
    case 6u: { return 1.0 / (1.0 + exp(-x)); }
    case 7u: { return tanh(x); }
    case 8u: { return abs(x); }
    case 9u: { return x + P.s0; }
    case 10u: { return x * P.s0; }
    case 11u: { return ipow(x, P.s0); }
    case 12u: { return P.s0 - x; }
    case 13u: { return P.s0 / x; }
    case 14u: { return nan_max(x, P.s0); }
    case 15u: { return nan_min(x, P.s0); }
    case 16u: { return select(0.0, 1.0, x > P.s0); }
    case 17u: { return P.s0; }
    case 18u: { return x * x; }
    case 19u: { return 1.0 / x; }
    case 20u: { return x * P.s0 + P.s1; }
    case 21u: { return select(0.0, 1.0, x < P.s0); }
    case 22u: { return select(0.0, 1.0, x == P.s0); }
    case 23u: { return sign(x); }
    case 24u: { return select(0.0, 1.0, x >= P.s0); }
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
