// The Adam rule of `adam.wgsl` (T = f32) and `adam_vec4.wgsl` (T = vec4<f32>): states exp_avg,
// exp_avg_sq and (AMSGrad) max_exp_avg_sq. The kernels around it are `_optim_step.wgsl`.
//#include "_optim_hypers.wgsl"

fn uses(j: u32) -> bool {
  return j < 2u || (H.flags & AMSGRAD) != 0u;
}

fn update(grad: T, x: State) -> State {
  var g = grad;
  var y = x;
  if ((H.flags & DECOUPLED) != 0u) {
    y.p = x.p * H.decay;
  } else if (H.wd != 0.0) {
    g = g + H.wd * x.p;
  }
  y.s0 = x.s0 * H.momentum + H.one_minus_mom * g;
  y.s1 = x.s1 * H.beta + H.one_minus_beta * g * g;
  var vv = y.s1;
  if ((H.flags & AMSGRAD) != 0u) {
    vv = max(x.s2, y.s1);
    y.s2 = vv;
  }
  let denom = sqrt(vv) / H.bc2_sqrt + H.eps;
  y.p = y.p - H.step_size * (y.s0 / denom);
  return y;
}
//#include "_optim_step.wgsl"
