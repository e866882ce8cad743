// The texture-path matmul (`_matmul_tb.wgsl`, where the layout and the entry points are described):
// every invocation loads the workgroup's rows of A itself, at workgroup-uniform addresses. Serves
// every adapter; `matmul_tb_sg.wgsl` shares those loads within a subgroup where the device can.
//#include "_matmul_tb.wgsl"

fn subLane() -> u32 { return 0u; }

// Nothing is loaded ahead: `rowsA` loads each quad where it is used.
fn mineA(m0: u32, k: u32, tail: bool, lane: u32) -> mat4x4<f32> { return mat4x4<f32>(); }

fn rowsA(m0: u32, q: u32, k: u32, tail: bool, mine: mat4x4<f32>) -> mat4x4<f32> {
  return quad(m0, q, k, tail);
}
