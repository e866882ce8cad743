// The SGD rule of `sgd.wgsl` (T = f32) and `sgd_vec4.wgsl` (T = vec4<f32>): state 0 is the momentum
// buffer. The kernels around it are `_optim_step.wgsl`.
//#include "_optim_hypers.wgsl"

fn uses(j: u32) -> bool {
  return j == 0u && H.momentum != 0.0;
}

fn update(grad: T, x: State) -> State {
  var g = grad;
  var y = x;
  if ((H.flags & DECOUPLED) != 0u) {
    y.p = x.p * H.decay;
  } else if (H.wd != 0.0) {
    g = g + H.wd * x.p;
  }
  if (H.momentum != 0.0) {
    var b = g;
    if ((H.flags & FIRST) == 0u) {
      b = x.s0 * H.momentum + H.one_minus_mom * g;
    }
    y.s0 = b;
    if ((H.flags & NESTEROV) != 0u) {
      g = g + H.momentum * b;
    } else {
      g = b;
    }
  }
  y.p = y.p - H.lr * g;
  return y;
}
//#include "_optim_step.wgsl"
