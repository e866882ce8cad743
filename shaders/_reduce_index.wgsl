// Shared by the reductions: output element o reads the input at base(o) + roff(r) for r < rsize.
// `shape`/`sa`: output shape and the input strides of the kept dims; `rshape`/`rstride`: the reduced dims.
struct Params {
  numel: u32,
  rank: u32,
  rrank: u32,
  rsize: u32,
  scale: f32,
  pad0: u32,
  pad1: u32,
  pad2: u32,
  shape: array<vec4<u32>, 2>,
  sa: array<vec4<u32>, 2>,
  rshape: array<vec4<u32>, 2>,
  rstride: array<vec4<u32>, 2>,
}

fn base_of(o: u32) -> u32 {
  var rem = o;
  var off = 0u;
  for (var d = i32(P.rank) - 1; d >= 0; d--) {
    let n = P.shape[u32(d) / 4u][u32(d) % 4u];
    off += (rem % n) * P.sa[u32(d) / 4u][u32(d) % 4u];
    rem = rem / n;
  }
  return off;
}

fn roff(r: u32) -> u32 {
  var rem = r;
  var off = 0u;
  for (var d = i32(P.rrank) - 1; d >= 0; d--) {
    let n = P.rshape[u32(d) / 4u][u32(d) % 4u];
    off += (rem % n) * P.rstride[u32(d) / 4u][u32(d) % 4u];
    rem = rem / n;
  }
  return off;
}
