// Body of `adam.wgsl` (scalar, T = f32) and `adam_vec4.wgsl` (T = vec4<f32>, 4 elements per
// invocation, used when the tensor size is a multiple of 4; M.n stays the element count).
//#include "_optim_hypers.wgsl"
const AMSGRAD: u32 = 4u;

@group(0) @binding(2) var<storage, read> grad: array<T>;
@group(0) @binding(3) var<storage, read_write> param: array<T>;
@group(0) @binding(4) var<storage, read_write> exp_avg: array<T>;
@group(0) @binding(5) var<storage, read_write> exp_avg_sq: array<T>;
@group(0) @binding(6) var<storage, read_write> max_exp_avg_sq: array<T>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= M.n / LANES) { return; }
  var g = grad[i];
  var p = param[i];
  if ((H.flags & DECOUPLED) != 0u) {
    p = p * H.decay;
  } else if (H.wd != 0.0) {
    g = g + H.wd * p;
  }
  let m = exp_avg[i] * H.momentum + H.one_minus_mom * g;
  let v = exp_avg_sq[i] * H.beta + H.one_minus_beta * g * g;
  exp_avg[i] = m;
  exp_avg_sq[i] = v;
  var vv = v;
  if ((H.flags & AMSGRAD) != 0u) {
    vv = max(max_exp_avg_sq[i], v);
    max_exp_avg_sq[i] = vv;
  }
  let denom = sqrt(vv) / H.bc2_sqrt + H.eps;
  param[i] = p - H.step_size * (m / denom);
}
