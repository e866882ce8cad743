// Batch normalisation over x seen as [N, C, HW] (HW = 1 for [N, C]); per channel c the M = N*HW values
// x[n, c, j]. `stats`: one workgroup per channel, one-pass (shifted) mean and biased variance, writes
// stats = [mean (C), invstd (C)] and, when P.update = 1, updates the running buffers in place with the
// unbiased variance. `eval_stats`: stats from the running buffers. `normalize`: y = xhat * w + b.
// `bwd_reduce`: one workgroup per channel, sg = sum(g) (= dbias), sgx = sum(g * xhat) (= dweight).
// `bwd_apply`: dx = w * invstd * (g - sg / M - xhat * sgx / M) in training (TRAIN = 1), else
// dx = g * w * invstd. AFFINE = 0: no weight / bias.
// Channel-major variants for a convolution's GEMM output x = [C, N*HW] (see `ops/conv_bn.ts`): the
// statistics use `stats_main` with N = 1, HW = N*HW; SHIFT = 1 adds bias[c] (the conv bias) to the mean
// that updates the running buffer. `normalize_cm` writes y = [relu](xhat * w + b) in NCHW;
// `bwd_reduce_cm` / `bwd_apply_cm` take the NCHW upstream gradient (masked by the recomputed ReLU when
// RELU = 1) and write dx channel-major, i.e. directly as the GEMM operand of the conv backward.
// The `_cm` element kernels run on a (pixel blocks, C, N) grid: no per-element division.
struct Params {
  N: u32, C: u32, HW: u32, total: u32,
  eps: f32, momentum: f32, update: u32, pad: u32,
}
override WG: u32 = 256u;
override AFFINE: u32 = 1u;
override TRAIN: u32 = 1u;
//#include "_nan.wgsl"
override RELU: u32 = 0u;
override SHIFT: u32 = 0u;

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> weight: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> rmean: array<f32>;
@group(0) @binding(5) var<storage, read_write> rvar: array<f32>;
@group(0) @binding(6) var<storage, read_write> stats: array<f32>;
@group(0) @binding(7) var<storage, read> g: array<f32>;
@group(0) @binding(8) var<storage, read_write> out: array<f32>;
@group(0) @binding(9) var<storage, read_write> sg: array<f32>;
@group(0) @binding(10) var<storage, read_write> sgx: array<f32>;

var<workgroup> red: array<f32, 256>;
var<workgroup> red2: array<f32, 256>;

// Walks the M values of channel c, 256 apart starting at value `lid`, without a division per step:
// `first` gives the element index of value lid, `advance` moves (n, j) 256 values on.
struct Cursor { n: u32, j: u32 }

fn first(lid: u32) -> Cursor {
  return Cursor(lid / P.HW, lid % P.HW);
}

fn advance(cur: Cursor) -> Cursor {
  var r = cur;
  r.j += 256u;
  if (r.j >= P.HW) {
    if (P.HW >= 256u) {
      r.j -= P.HW;
      r.n += 1u;
    } else {
      r.n += r.j / P.HW;
      r.j = r.j % P.HW;
    }
  }
  return r;
}

fn at(c: u32, cur: Cursor) -> u32 {
  return (cur.n * P.C + c) * P.HW + cur.j;
}

fn channel(wid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return wid.x + wid.y * nwg.x;
}

// Tree-sums red (and red2) over the workgroup; the totals end in red[0], red2[0].
fn reduce2(lid: u32) {
  for (var s = 128u; s > 0u; s >>= 1u) {
    workgroupBarrier();
    if (lid < s) {
      red[lid] += red[lid + s];
      red2[lid] += red2[lid + s];
    }
  }
  workgroupBarrier();
}

@compute @workgroup_size(256)
fn stats_main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
  @builtin(num_workgroups) nwg: vec3<u32>,
) {
  let c = channel(wid, nwg);
  let M = P.N * P.HW;
  // One pass: sums of (x - k) and (x - k)^2, k = the channel's first value (keeps the f32 sums well
  // conditioned when |mean| >> std); mean = k + s1/M, var = s2/M - (s1/M)^2.
  let k = x[at(min(c, P.C - 1u), Cursor(0u, 0u))];
  var s = 0.0;
  var q = 0.0;
  if (c < P.C) {
    var cur = first(lid);
    for (var m = lid; m < M; m += 256u) {
      let d = x[at(c, cur)] - k;
      s += d;
      q += d * d;
      cur = advance(cur);
    }
  }
  red[lid] = s;
  red2[lid] = q;
  reduce2(lid);
  let d1 = red[0] / f32(M);
  let mean = k + d1;
  if (lid == 0u && c < P.C) {
    let v = nan_max(red2[0] / f32(M) - d1 * d1, 0.0);
    stats[c] = mean;
    stats[P.C + c] = inverseSqrt(v + P.eps);
    if (P.update == 1u) {
      let unbiased = v * f32(M) / f32(max(M, 2u) - 1u);
      var shifted = mean;
      if (SHIFT == 1u) { shifted += bias[c]; }
      rmean[c] = (1.0 - P.momentum) * rmean[c] + P.momentum * shifted;
      rvar[c] = (1.0 - P.momentum) * rvar[c] + P.momentum * unbiased;
    }
  }
}

@compute @workgroup_size(WG)
fn eval_stats(@builtin(global_invocation_id) gid: vec3<u32>) {
  let c = gid.x;
  if (c >= P.C) { return; }
  stats[c] = rmean[c];
  stats[P.C + c] = inverseSqrt(rvar[c] + P.eps);
}

@compute @workgroup_size(WG)
fn normalize(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= P.total) { return; }
  let c = (i / P.HW) % P.C;
  var v = (x[i] - stats[c]) * stats[P.C + c];
  if (AFFINE == 1u) { v = v * weight[c] + bias[c]; }
  out[i] = v;
}

@compute @workgroup_size(256)
fn bwd_reduce(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
  @builtin(num_workgroups) nwg: vec3<u32>,
) {
  let c = channel(wid, nwg);
  let M = P.N * P.HW;
  var a = 0.0;
  var b = 0.0;
  if (c < P.C) {
    let mean = stats[c];
    var cur = first(lid);
    for (var m = lid; m < M; m += 256u) {
      let k = at(c, cur);
      let gv = g[k];
      a += gv;
      b += gv * (x[k] - mean);
      cur = advance(cur);
    }
  }
  red[lid] = a;
  red2[lid] = b;
  reduce2(lid);
  if (lid == 0u && c < P.C) {
    sg[c] = red[0];
    sgx[c] = red2[0] * stats[P.C + c];
  }
}

@compute @workgroup_size(WG)
fn bwd_apply(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= P.total) { return; }
  let c = (i / P.HW) % P.C;
  let inv = stats[P.C + c];
  var scale = inv;
  if (AFFINE == 1u) { scale *= weight[c]; }
  if (TRAIN == 1u) {
    let M = f32(P.N * P.HW);
    let xhat = (x[i] - stats[c]) * inv;
    out[i] = scale * (g[i] - sg[c] / M - xhat * sgx[c] / M);
  } else {
    out[i] = scale * g[i];
  }
}

// y = xhat * w + b (optionally ReLU) at (n, c, p) of NCHW, from x[c, n*HW + p].
fn affine_at(c: u32, xv: f32) -> f32 {
  var v = (xv - stats[c]) * stats[P.C + c];
  if (AFFINE == 1u) { v = v * weight[c] + bias[c]; }
  return v;
}

@compute @workgroup_size(WG)
fn normalize_cm(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let p = gid.x;
  if (p >= P.HW) { return; }
  let c = wid.y;
  let n = wid.z;
  var v = affine_at(c, x[(c * P.N + n) * P.HW + p]);
  if (RELU == 1u) { v = nan_relu(v); }
  out[(n * P.C + c) * P.HW + p] = v;
}

// The upstream gradient at (n, c, p), through the ReLU (recomputed from x) when RELU = 1.
fn grad_at(c: u32, n: u32, p: u32, xv: f32) -> f32 {
  let gv = g[(n * P.C + c) * P.HW + p];
  if (RELU == 1u && !relu_keep(affine_at(c, xv))) { return 0.0; }
  return gv;
}

@compute @workgroup_size(256)
fn bwd_reduce_cm(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
  @builtin(num_workgroups) nwg: vec3<u32>,
) {
  let c = channel(wid, nwg);
  let M = P.N * P.HW;
  var a = 0.0;
  var b = 0.0;
  if (c < P.C) {
    let mean = stats[c];
    var cur = first(lid);
    for (var m = lid; m < M; m += 256u) {
      let xv = x[c * M + m];
      let gv = grad_at(c, cur.n, cur.j, xv);
      a += gv;
      b += gv * (xv - mean);
      cur = advance(cur);
    }
  }
  red[lid] = a;
  red2[lid] = b;
  reduce2(lid);
  if (lid == 0u && c < P.C) {
    sg[c] = red[0];
    sgx[c] = red2[0] * stats[P.C + c];
  }
}

@compute @workgroup_size(WG)
fn bwd_apply_cm(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let p = gid.x;
  if (p >= P.HW) { return; }
  let c = wid.y;
  let n = wid.z;
  let k = (c * P.N + n) * P.HW + p;
  let xv = x[k];
  let gv = grad_at(c, n, p, xv);
  let inv = stats[P.C + c];
  var scale = inv;
  if (AFFINE == 1u) { scale *= weight[c]; }
  let M = f32(P.N * P.HW);
  let xhat = (xv - stats[c]) * inv;
  out[k] = scale * (gv - sg[c] / M - xhat * sgx[c] / M);
}
