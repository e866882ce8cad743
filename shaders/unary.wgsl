// out[i] = f(a[strided(i)], s0, s1): copies, permutes and every unary op with up to two scalar operands.
//#include "_strided.wgsl"
//#include "_nan.wgsl"
// The op numbers (`OP` override): TypeScript reads them from the generated `constants.unary`.
const OP_COPY: u32 = 0u;
const OP_NEG: u32 = 1u;
const OP_EXP: u32 = 2u;
const OP_LOG: u32 = 3u;
const OP_SQRT: u32 = 4u;
const OP_RELU: u32 = 5u;
const OP_SIGMOID: u32 = 6u;
const OP_TANH: u32 = 7u;
const OP_ABS: u32 = 8u;
const OP_ADD_S: u32 = 9u;
const OP_MUL_S: u32 = 10u;
const OP_POW_S: u32 = 11u;
const OP_RSUB_S: u32 = 12u;
const OP_RDIV_S: u32 = 13u;
const OP_MAX_S: u32 = 14u;
const OP_MIN_S: u32 = 15u;
const OP_GT_S: u32 = 16u;
const OP_FILL: u32 = 17u;
const OP_SQUARE: u32 = 18u;
const OP_RECIP: u32 = 19u;
const OP_AFFINE: u32 = 20u;
const OP_LT_S: u32 = 21u;
const OP_EQ_S: u32 = 22u;
const OP_SIGN: u32 = 23u;
const OP_GE_S: u32 = 24u;
override OP: u32 = OP_COPY;
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
    case OP_COPY: { return x; }
    case OP_NEG: { return -x; }
    case OP_EXP: { return exp(x); }
    case OP_LOG: { return log(x); }
    case OP_SQRT: { return sqrt(x); }
    case OP_RELU: { return nan_relu(x); }
    case OP_SIGMOID: { return 1.0 / (1.0 + exp(-x)); }
    case OP_TANH: { return tanh(x); }
    case OP_ABS: { return abs(x); }
    case OP_ADD_S: { return x + P.s0; }
    case OP_MUL_S: { return x * P.s0; }
    case OP_POW_S: { return ipow(x, P.s0); }
    case OP_RSUB_S: { return P.s0 - x; }
    case OP_RDIV_S: { return P.s0 / x; }
    case OP_MAX_S: { return nan_max(x, P.s0); }
    case OP_MIN_S: { return nan_min(x, P.s0); }
    case OP_GT_S: { return select(0.0, 1.0, x > P.s0); }
    case OP_FILL: { return P.s0; }
    case OP_SQUARE: { return x * x; }
    case OP_RECIP: { return 1.0 / x; }
    case OP_AFFINE: { return x * P.s0 + P.s1; }
    case OP_LT_S: { return select(0.0, 1.0, x < P.s0); }
    case OP_EQ_S: { return select(0.0, 1.0, x == P.s0); }
    case OP_SIGN: { return sign(x); }
    case OP_GE_S: { return select(0.0, 1.0, x >= P.s0); }
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
