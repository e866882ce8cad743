// The fused optimizer step, shared by sgd, adam and rmsprop (`*.wgsl` over f32, `*_vec4.wgsl` over
// vec4<f32>): the rule's file defines `update(g, x) -> State` (pure) and `uses(j)` (whether state j is
// read and written this step). Plumbing only: read the gradient, the parameter and the states in use,
// apply the rule, write them back.
// `main`: one parameter tensor (M.n elements). `multi`: up to 4 tensors of one parameter group in one
// dispatch, over vec4s (a size that is not a multiple of 4 rounds up, into padding of its buffers that
// the caller checked is there): slot s is bound at bindings 2 + 5s .. 6 + 5s, its workgroups start at
// TB.start[s] and it has TB.n[s] vec4s; each workgroup lies in one slot, so the switch is uniform.
struct State { p: T, s0: T, s1: T, s2: T }

@group(0) @binding(2) var<storage, read> grad: array<T>;
@group(0) @binding(3) var<storage, read_write> param: array<T>;
@group(0) @binding(4) var<storage, read_write> state0: array<T>;
@group(0) @binding(5) var<storage, read_write> state1: array<T>;
@group(0) @binding(6) var<storage, read_write> state2: array<T>;

// Element i of the tensor bound at bindings 2..6 (`main`'s, and slot 0 of `multi`). The other slots
// repeat these lines with their own bindings: WGSL cannot pass a storage buffer to a function.
fn step0(i: u32) {
  var x = State(param[i], T(), T(), T());
  if (uses(0u)) { x.s0 = state0[i]; }
  if (uses(1u)) { x.s1 = state1[i]; }
  if (uses(2u)) { x.s2 = state2[i]; }
  let y = update(grad[i], x);
  param[i] = y.p;
  if (uses(0u)) { state0[i] = y.s0; }
  if (uses(1u)) { state1[i] = y.s1; }
  if (uses(2u)) { state2[i] = y.s2; }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= M.n / LANES) { return; }
  step0(i);
}

struct Table { start: vec4<u32>, n: vec4<u32> }
@group(0) @binding(1) var<uniform> TB: Table;
@group(0) @binding(7) var<storage, read> grad1: array<T>;
@group(0) @binding(8) var<storage, read_write> param1: array<T>;
@group(0) @binding(9) var<storage, read_write> state10: array<T>;
@group(0) @binding(10) var<storage, read_write> state11: array<T>;
@group(0) @binding(11) var<storage, read_write> state12: array<T>;
@group(0) @binding(12) var<storage, read> grad2: array<T>;
@group(0) @binding(13) var<storage, read_write> param2: array<T>;
@group(0) @binding(14) var<storage, read_write> state20: array<T>;
@group(0) @binding(15) var<storage, read_write> state21: array<T>;
@group(0) @binding(16) var<storage, read_write> state22: array<T>;
@group(0) @binding(17) var<storage, read> grad3: array<T>;
@group(0) @binding(18) var<storage, read_write> param3: array<T>;
@group(0) @binding(19) var<storage, read_write> state30: array<T>;
@group(0) @binding(20) var<storage, read_write> state31: array<T>;
@group(0) @binding(21) var<storage, read_write> state32: array<T>;

@compute @workgroup_size(WG)
fn multi(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
  @builtin(num_workgroups) nwg: vec3<u32>,
) {
  let w = wid.x + wid.y * nwg.x;
  var s = 0u;
  if (w >= TB.start.y) { s = 1u; }
  if (w >= TB.start.z) { s = 2u; }
  if (w >= TB.start.w) { s = 3u; }
  let i = (w - TB.start[s]) * WG + lid;
  if (i >= TB.n[s]) { return; }
  switch (s) {
    case 0u: { step0(i); }
    case 1u: {
      var x = State(param1[i], T(), T(), T());
      if (uses(0u)) { x.s0 = state10[i]; }
      if (uses(1u)) { x.s1 = state11[i]; }
      if (uses(2u)) { x.s2 = state12[i]; }
      let y = update(grad1[i], x);
      param1[i] = y.p;
      if (uses(0u)) { state10[i] = y.s0; }
      if (uses(1u)) { state11[i] = y.s1; }
      if (uses(2u)) { state12[i] = y.s2; }
    }
    case 2u: {
      var x = State(param2[i], T(), T(), T());
      if (uses(0u)) { x.s0 = state20[i]; }
      if (uses(1u)) { x.s1 = state21[i]; }
      if (uses(2u)) { x.s2 = state22[i]; }
      let y = update(grad2[i], x);
      param2[i] = y.p;
      if (uses(0u)) { state20[i] = y.s0; }
      if (uses(1u)) { state21[i] = y.s1; }
      if (uses(2u)) { state22[i] = y.s2; }
    }
    default: {
      var x = State(param3[i], T(), T(), T());
      if (uses(0u)) { x.s0 = state30[i]; }
      if (uses(1u)) { x.s1 = state31[i]; }
      if (uses(2u)) { x.s2 = state32[i]; }
      let y = update(grad3[i], x);
      param3[i] = y.p;
      if (uses(0u)) { state30[i] = y.s0; }
      if (uses(1u)) { state31[i] = y.s1; }
      if (uses(2u)) { state32[i] = y.s2; }
    }
  }
}
