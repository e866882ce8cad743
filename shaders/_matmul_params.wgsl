// The uniform of both storage-buffer matmul kernels, `matmul.wgsl` (shaped for llvmpipe) and
// `matmul_tiled.wgsl` (shaped for GPUs): one layout, packed by `src/tensor/ops/matmul.ts`.
struct Params {
  M: u32,
  N: u32,
  K: u32,
  splits: u32,
  lda4: u32, // row stride of A in vec4s
  ldb4: u32,
  strideA4: u32, // batch stride of A in vec4s (0: broadcast)
  strideB4: u32,
  kChunk: u32,
  pad0: u32,
  pad1: u32,
  pad2: u32,
}
