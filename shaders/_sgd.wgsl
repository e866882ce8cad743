// Body of `sgd.wgsl` (scalar, T = f32) and `sgd_vec4.wgsl` (T = vec4<f32>, 4 elements per
// invocation, used when the tensor size is a multiple of 4; M.n stays the element count).
//#include "_optim_hypers.wgsl"
const NESTEROV: u32 = 2u;
const FIRST: u32 = 16u;

@group(0) @binding(2) var<storage, read> grad: array<T>;
@group(0) @binding(3) var<storage, read_write> param: array<T>;
@group(0) @binding(4) var<storage, read_write> buf: array<T>;
@group(0) @binding(5) var<storage, read_write> zg: array<T>;

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
  if (H.momentum != 0.0) {
    var b = g;
    if ((H.flags & FIRST) == 0u) {
      b = buf[i] * H.momentum + H.one_minus_mom * g;
    }
    buf[i] = b;
    if ((H.flags & NESTEROV) != 0u) {
      g = g + H.momentum * b;
    } else {
      g = b;
    }
  }
  param[i] = p - H.lr * g;
}

@compute @workgroup_size(WG)
fn zero_grad(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= M.n / LANES) { return; }
  zg[i] = T(0.0);
}
