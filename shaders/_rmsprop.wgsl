// The RMSProp rule of `rmsprop.wgsl` (T = f32) and `rmsprop_vec4.wgsl` (T = vec4<f32>): states
// square_avg, momentum_buffer (momentum > 0) and grad_avg (centered). The kernels around it are
// `_optim_step.wgsl`.
//#include "_optim_hypers.wgsl"

fn uses(j: u32) -> bool {
  return j == 0u || (j == 1u && H.momentum > 0.0) || (j == 2u && (H.flags & CENTERED) != 0u);
}

fn update(grad: T, x: State) -> State {
  var g = grad;
  var y = x;
  if ((H.flags & DECOUPLED) != 0u) {
    y.p = x.p * H.decay;
  } else if (H.wd != 0.0) {
    g = g + H.wd * x.p;
  }
  y.s0 = x.s0 * H.beta + H.one_minus_beta * g * g;
  var avg: T;
  if ((H.flags & CENTERED) != 0u) {
    y.s2 = x.s2 * H.beta + H.one_minus_beta * g;
    avg = sqrt(y.s0 - y.s2 * y.s2) + H.eps;
  } else {
    avg = sqrt(y.s0) + H.eps;
  }
  if (H.momentum > 0.0) {
    y.s1 = x.s1 * H.momentum + g / avg;
    y.p = y.p - H.lr * y.s1;
  } else {
    y.p = y.p - H.lr * (g / avg);
  }
  return y;
}
//#include "_optim_step.wgsl"
