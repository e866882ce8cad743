// Shared by the elementwise kernels: the uniform layout and the strided index of up to three operands.
// `shape` is the output shape (row-major, rank <= 8); `sa`/`sb`/`sc` are the operands' element strides
// (0 on broadcast dimensions) and `off` their element offsets; `off.w` is the first element of a chunk
// when the host splits a big op into several dispatches (`src/tensor/ops/_chunk.ts`), else 0.
struct Params {
  numel: u32,
  rank: u32,
  s0: f32,
  s1: f32,
  off: vec4<u32>,
  shape: array<vec4<u32>, 2>,
  sa: array<vec4<u32>, 2>,
  sb: array<vec4<u32>, 2>,
  sc: array<vec4<u32>, 2>,
}

fn strided3(i: u32) -> vec3<u32> {
  var rem = i + P.off.w;
  var o = P.off.xyz;
  for (var d = i32(P.rank) - 1; d >= 0; d--) {
    let q = u32(d) / 4u;
    let r = u32(d) % 4u;
    let n = P.shape[q][r];
    let c = rem % n;
    rem = rem / n;
    o += c * vec3<u32>(P.sa[q][r], P.sb[q][r], P.sc[q][r]);
  }
  return o;
}

fn flat_index(gid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return gid.x + gid.y * nwg.x * WG;
}
