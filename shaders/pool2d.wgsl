// 2-D pooling over the planes of NCHW tensors (B = N*C planes of H x W -> Ho x Wo). Forward: one thread
// per output; backward: one thread per input element, gathering from the windows that contain it (no
// atomics). `max_fwd` also writes the argmax (h*W + w within the plane, -1 for an all-padding window)
// that `max_bwd` routes the gradient to; ties keep the first maximum and a NaN wins (the window's last
// NaN), as PyTorch does.
// `avg_*`: window clipped to the padded input; divisor by COUNT_PAD (1: the padded window size).
// `adaptive_*`: bins [floor(i*H/Ho), ceil((i+1)*H/Ho)).
struct Params {
  B: u32, H: u32, W: u32, Ho: u32,
  Wo: u32, KH: u32, KW: u32, SH: u32,
  SW: u32, PH: u32, PW: u32, total: u32,
}
//#include "_nan.wgsl"
override WG: u32 = 256u;
override COUNT_PAD: u32 = 1u;

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read> idx_in: array<i32>;
@group(0) @binding(3) var<storage, read_write> dst: array<f32>;
@group(0) @binding(4) var<storage, read_write> idx_out: array<i32>;
@group(0) @binding(5) var<storage, read_write> dst4: array<vec4<f32>>;
@group(0) @binding(6) var<storage, read> src4: array<vec4<f32>>;

fn index(gid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return gid.x + gid.y * nwg.x * WG;
}

@compute @workgroup_size(WG)
fn max_fwd(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = index(gid, nwg);
  if (i >= P.total) { return; }
  let ow = i % P.Wo;
  let t = i / P.Wo;
  let oh = t % P.Ho;
  let b = t / P.Ho;
  let h0 = i32(oh * P.SH) - i32(P.PH);
  let w0 = i32(ow * P.SW) - i32(P.PW);
  let base = b * P.H * P.W;
  var best = -3.402823e38;
  var arg = -1;
  for (var kh = 0; kh < i32(P.KH); kh++) {
    let h = h0 + kh;
    if (h < 0 || h >= i32(P.H)) { continue; }
    for (var kw = 0; kw < i32(P.KW); kw++) {
      let w = w0 + kw;
      if (w < 0 || w >= i32(P.W)) { continue; }
      let k = h * i32(P.W) + w;
      let v = src[base + u32(k)];
      if (arg < 0 || is_nan(v) || (!is_nan(best) && v > best)) {
        best = v;
        arg = k;
      }
    }
  }
  dst[i] = best;
  idx_out[i] = arg;
}

// Output rows (or columns) whose window [o*S - Pd, o*S - Pd + K) contains input position x.
fn window_range(x: u32, S: u32, Pd: u32, K: u32, O: u32) -> vec2<u32> {
  let xp = x + Pd;
  var lo = 0u;
  if (xp + 1u > K) { lo = (xp + 1u - K + S - 1u) / S; }
  let hi = min(xp / S + 1u, O);
  return vec2<u32>(lo, hi);
}

@compute @workgroup_size(WG)
fn max_bwd(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = index(gid, nwg);
  if (i >= P.total) { return; }
  let x = i % P.W;
  let t = i / P.W;
  let y = t % P.H;
  let b = t / P.H;
  let k = i32(y * P.W + x);
  let rh = window_range(y, P.SH, P.PH, P.KH, P.Ho);
  let rw = window_range(x, P.SW, P.PW, P.KW, P.Wo);
  var acc = 0.0;
  for (var oh = rh.x; oh < rh.y; oh++) {
    for (var ow = rw.x; ow < rw.y; ow++) {
      let o = (b * P.Ho + oh) * P.Wo + ow;
      if (idx_in[o] == k) { acc += src[o]; }
    }
  }
  dst[i] = acc;
}

fn avg_divisor(oh: u32, ow: u32) -> f32 {
  let h0 = i32(oh * P.SH) - i32(P.PH);
  let w0 = i32(ow * P.SW) - i32(P.PW);
  var h1 = min(h0 + i32(P.KH), i32(P.H + P.PH));
  var w1 = min(w0 + i32(P.KW), i32(P.W + P.PW));
  if (COUNT_PAD == 1u) { return f32((h1 - h0) * (w1 - w0)); }
  h1 = min(h1, i32(P.H));
  w1 = min(w1, i32(P.W));
  return f32((h1 - max(h0, 0)) * (w1 - max(w0, 0)));
}

@compute @workgroup_size(WG)
fn avg_fwd(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = index(gid, nwg);
  if (i >= P.total) { return; }
  let ow = i % P.Wo;
  let t = i / P.Wo;
  let oh = t % P.Ho;
  let b = t / P.Ho;
  let h0 = i32(oh * P.SH) - i32(P.PH);
  let w0 = i32(ow * P.SW) - i32(P.PW);
  let base = b * P.H * P.W;
  var acc = 0.0;
  for (var h = max(h0, 0); h < min(h0 + i32(P.KH), i32(P.H)); h++) {
    for (var w = max(w0, 0); w < min(w0 + i32(P.KW), i32(P.W)); w++) {
      acc += src[base + u32(h) * P.W + u32(w)];
    }
  }
  dst[i] = acc / avg_divisor(oh, ow);
}

@compute @workgroup_size(WG)
fn avg_bwd(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = index(gid, nwg);
  if (i >= P.total) { return; }
  let x = i % P.W;
  let t = i / P.W;
  let y = t % P.H;
  let b = t / P.H;
  let rh = window_range(y, P.SH, P.PH, P.KH, P.Ho);
  let rw = window_range(x, P.SW, P.PW, P.KW, P.Wo);
  var acc = 0.0;
  for (var oh = rh.x; oh < rh.y; oh++) {
    for (var ow = rw.x; ow < rw.y; ow++) {
      acc += src[(b * P.Ho + oh) * P.Wo + ow] / avg_divisor(oh, ow);
    }
  }
  dst[i] = acc;
}

fn bin_start(o: u32, In: u32, Out: u32) -> u32 { return (o * In) / Out; }
fn bin_end(o: u32, In: u32, Out: u32) -> u32 { return ((o + 1u) * In + Out - 1u) / Out; }

@compute @workgroup_size(WG)
fn adaptive_fwd(
  @builtin(global_invocation_id) gid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
) {
  let i = index(gid, nwg);
  if (i >= P.total) { return; }
  let ow = i % P.Wo;
  let t = i / P.Wo;
  let oh = t % P.Ho;
  let b = t / P.Ho;
  let h0 = bin_start(oh, P.H, P.Ho);
  let h1 = bin_end(oh, P.H, P.Ho);
  let w0 = bin_start(ow, P.W, P.Wo);
  let w1 = bin_end(ow, P.W, P.Wo);
  let base = b * P.H * P.W;
  var acc = 0.0;
  for (var h = h0; h < h1; h++) {
    for (var w = w0; w < w1; w++) { acc += src[base + h * P.W + w]; }
  }
  dst[i] = acc / f32((h1 - h0) * (w1 - w0));
}

@compute @workgroup_size(WG)
fn adaptive_bwd(
  @builtin(global_invocation_id) gid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
) {
  let i = index(gid, nwg);
  if (i >= P.total) { return; }
  let x = i % P.W;
  let t = i / P.W;
  let y = t % P.H;
  let b = t / P.H;
  var acc = 0.0;
  for (var oh = (y * P.Ho) / P.H; oh < min(((y + 1u) * P.Ho) / P.H + 1u, P.Ho); oh++) {
    let h0 = bin_start(oh, P.H, P.Ho);
    let h1 = bin_end(oh, P.H, P.Ho);
    if (y < h0 || y >= h1) { continue; }
    for (var ow = (x * P.Wo) / P.W; ow < min(((x + 1u) * P.Wo) / P.W + 1u, P.Wo); ow++) {
      let w0 = bin_start(ow, P.W, P.Wo);
      let w1 = bin_end(ow, P.W, P.Wo);
      if (x < w0 || x >= w1) { continue; }
      acc += src[(b * P.Ho + oh) * P.Wo + ow] / f32((h1 - h0) * (w1 - w0));
    }
  }
  dst[i] = acc;
}

// `global_bwd` (adaptive pooling to 1x1): dst[b, q] = src[b] / (H*W) on a (pixel blocks, B) grid, so no
// per-element division (grid.y = plane b).
@compute @workgroup_size(WG)
fn global_bwd(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let hw = P.H * P.W;
  let q = gid.x;
  if (q >= hw) { return; }
  let b = wid.y + wid.z * 65535u;
  if (b >= P.B) { return; }
  dst[b * hw + q] = src[b] / f32(hw);
}

// `global_bwd4`: the same when H*W is a multiple of 4, four pixels per thread on a flat grid of the
// P.total / 4 vec4s (one division per vec4 for the plane; far fewer, fuller workgroups than a
// workgroup per plane when the planes are small).
@compute @workgroup_size(WG)
fn global_bwd4(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = index(gid, nwg);
  if (i >= P.total / 4u) { return; }
  let hw = P.H * P.W;
  let b = i / (hw / 4u);
  dst4[i] = vec4<f32>(src[b] / f32(hw));
}

// `global_fwd4` (adaptive pooling to 1x1, H*W a multiple of 4): one thread per plane sums its H*W / 4
// vec4s (a flat contiguous loop instead of the adaptive bins' per-output index arithmetic).
@compute @workgroup_size(WG)
fn global_fwd4(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let b = index(gid, nwg);
  if (b >= P.B) { return; }
  let hw4 = P.H * P.W / 4u;
  let base = b * hw4;
  var acc = vec4<f32>(0.0);
  for (var k = 0u; k < hw4; k++) {
    acc += src4[base + k];
  }
  dst[b] = ((acc.x + acc.y) + (acc.z + acc.w)) / f32(P.H * P.W);
}
