// The texture-path matmul (`_matmul_tb.wgsl`) with the rows of A shared within a subgroup: of the
// RM/4 quads a step needs, invocation `lane` (its index in its subgroup, modulo RM/4) loads one and
// the others arrive by `subgroupShuffle` from the invocation that loaded them (WGSL's
// `subgroupBroadcast` wants a constant index), so each invocation issues 1 quad of loads per step
// instead of RM/4. That is what CPU-like adapters pay for (SwiftShader: 4 invocations per SIMD
// register, every storage load a per-lane gather; measured 1.1-1.2x on 1024^3 and 64x256x784).
// Needs the device's `subgroups` feature and subgroups of at least 4 invocations (WebGPU's minimum);
// tempo uses it only there.
// `subLane` counts the active invocations below this one, which is its subgroup index: `product`
// calls it where the whole workgroup is active.
enable subgroups;
diagnostic(off, subgroup_uniformity);
//#include "_matmul_tb.wgsl"

fn subLane() -> u32 { return subgroupExclusiveAdd(1u); }

fn mineA(m0: u32, k: u32, tail: bool, lane: u32) -> mat4x4<f32> {
  return quad(m0, lane % (RM / 4u), k, tail);
}

fn rowsA(m0: u32, q: u32, k: u32, tail: bool, mine: mat4x4<f32>) -> mat4x4<f32> {
  return mat4x4<f32>(
    subgroupShuffle(mine[0], q),
    subgroupShuffle(mine[1], q),
    subgroupShuffle(mine[2], q),
    subgroupShuffle(mine[3], q),
  );
}
