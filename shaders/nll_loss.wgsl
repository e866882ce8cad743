// Per-row negative log-likelihood of [N, C] inputs at integer labels. FROM_LOGITS = 1 applies
// log-softmax first (cross-entropy), fused. A label outside [0, C) gives NaN, so it cannot go unnoticed.
// `main`: rowloss[i]; `main_mean` (one workgroup): rowloss[0] = scale * sum of the row losses; `backward`: gx = scale * g * (softmax(x) - onehot) or -scale * g * onehot.
// `main_mean_grad`: `main_mean`, and the gradient for an upstream gradient of 1 (what `backward(loss)`
// seeds), so a training step needs no backward dispatch for its loss.
struct Params { N: u32, C: u32, scale: f32, pad: u32 }
override FROM_LOGITS: u32 = 1u;
override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<i32>;
@group(0) @binding(3) var<storage, read_write> rowloss: array<f32>;
@group(0) @binding(4) var<storage, read> g: array<f32>;
@group(0) @binding(5) var<storage, read_write> gx: array<f32>;

fn row_lse(base: u32) -> f32 {
  var m = -3.402823e38;
  for (var c = 0u; c < P.C; c++) { m = max(m, x[base + c]); }
  var s = 0.0;
  for (var c = 0u; c < P.C; c++) { s += exp(x[base + c] - m); }
  return m + log(s);
}

// A quiet NaN made at run time: Chrome's compiler (Tint) rejects NaN as a constant expression
// (`bitcast<f32>(0x7fc00000u)` is one), Naga accepts it; a `var` is not constant.
fn nan_f32() -> f32 {
  var bits = 0x7fc00000u;
  return bitcast<f32>(bits);
}

fn row_loss(i: u32) -> f32 {
  let base = i * P.C;
  let y = labels[i];
  if (y < 0 || u32(y) >= P.C) { return nan_f32(); }
  var l = -x[base + u32(y)];
  if (FROM_LOGITS == 1u) { l += row_lse(base); }
  return l;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= P.N) { return; }
  rowloss[i] = row_loss(i);
}

var<workgroup> part: array<f32, 64>;

@compute @workgroup_size(64)
fn main_mean(@builtin(local_invocation_index) lid: u32) {
  var s = 0.0;
  for (var i = lid; i < P.N; i += 64u) { s += row_loss(i); }
  part[lid] = s;
  for (var k = 32u; k > 0u; k >>= 1u) {
    workgroupBarrier();
    if (lid < k) { part[lid] += part[lid + k]; }
  }
  if (lid == 0u) { rowloss[0] = part[0] * P.scale; }
}

// gx of row i for an upstream gradient k / scale.
fn row_grad(i: u32, k: f32) {
  let base = i * P.C;
  let y = labels[i];
  var lse = 0.0;
  if (FROM_LOGITS == 1u) { lse = row_lse(base); }
  for (var c = 0u; c < P.C; c++) {
    var v = 0.0;
    if (FROM_LOGITS == 1u) { v = exp(x[base + c] - lse); }
    if (i32(c) == y) { v -= 1.0; }
    gx[base + c] = k * v;
  }
}

@compute @workgroup_size(64)
fn main_mean_grad(@builtin(local_invocation_index) lid: u32) {
  var s = 0.0;
  for (var i = lid; i < P.N; i += 64u) {
    s += row_loss(i);
    row_grad(i, P.scale);
  }
  part[lid] = s;
  for (var k = 32u; k > 0u; k >>= 1u) {
    workgroupBarrier();
    if (lid < k) { part[lid] += part[lid + k]; }
  }
  if (lid == 0u) { rowloss[0] = part[0] * P.scale; }
}

@compute @workgroup_size(WG)
fn backward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= P.N) { return; }
  row_grad(i, P.scale * g[0]);
}
