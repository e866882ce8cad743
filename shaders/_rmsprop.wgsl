// Body of `rmsprop.wgsl` (scalar, T = f32) and `rmsprop_vec4.wgsl` (T = vec4<f32>, 4 elements per
// invocation, used when the tensor size is a multiple of 4; M.n stays the element count).
//#include "_optim_hypers.wgsl"
const CENTERED: u32 = 8u;

@group(0) @binding(2) var<storage, read> grad: array<T>;
@group(0) @binding(3) var<storage, read_write> param: array<T>;
@group(0) @binding(4) var<storage, read_write> square_avg: array<T>;
@group(0) @binding(5) var<storage, read_write> momentum_buffer: array<T>;
@group(0) @binding(6) var<storage, read_write> grad_avg: array<T>;

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
  let v = square_avg[i] * H.beta + H.one_minus_beta * g * g;
  square_avg[i] = v;
  var avg: T;
  if ((H.flags & CENTERED) != 0u) {
    let ga = grad_avg[i] * H.beta + H.one_minus_beta * g;
    grad_avg[i] = ga;
    avg = sqrt(v - ga * ga) + H.eps;
  } else {
    avg = sqrt(v) + H.eps;
  }
  if (H.momentum > 0.0) {
    let b = momentum_buffer[i] * H.momentum + g / avg;
    momentum_buffer[i] = b;
    param[i] = p - H.lr * b;
  } else {
    param[i] = p - H.lr * (g / avg);
  }
}
