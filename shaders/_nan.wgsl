// NaN-propagating max/min/relu, as PyTorch: WGSL's max/min do not promise to propagate NaN (lavapipe
// returns the other operand), and a compiler may assume no NaN (`x != x` can fold away), so NaN is
// found by testing the bits.
fn is_nan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn is_nan4(x: vec4<f32>) -> vec4<bool> {
  return (bitcast<vec4<u32>>(x) & vec4<u32>(0x7fffffffu)) > vec4<u32>(0x7f800000u);
}
fn nan_max(x: f32, y: f32) -> f32 { return select(select(max(x, y), y, is_nan(y)), x, is_nan(x)); }
fn nan_min(x: f32, y: f32) -> f32 { return select(select(min(x, y), y, is_nan(y)), x, is_nan(x)); }
fn nan_max4(x: vec4<f32>, y: vec4<f32>) -> vec4<f32> {
  return select(select(max(x, y), y, is_nan4(y)), x, is_nan4(x));
}
fn nan_min4(x: vec4<f32>, y: vec4<f32>) -> vec4<f32> {
  return select(select(min(x, y), y, is_nan4(y)), x, is_nan4(x));
}
// ReLU's forward and its gradient mask: NaN in gives NaN out, and the gradient passes where the
// input (or output) is NaN, as PyTorch's threshold_backward (`x <= 0 ? 0 : g`).
fn nan_relu(x: f32) -> f32 { return select(max(x, 0.0), x, is_nan(x)); }
fn nan_relu4(x: vec4<f32>) -> vec4<f32> { return select(max(x, vec4<f32>(0.0)), x, is_nan4(x)); }
fn relu_keep(x: f32) -> bool { return x > 0.0 || is_nan(x); }
fn relu_keep4(x: vec4<f32>) -> vec4<bool> { return (x > vec4<f32>(0.0)) | is_nan4(x); }
// -Infinity (the identity of max), built at run time: a constant infinity is a shader-creation error.
fn neg_inf(seed: u32) -> f32 { return bitcast<f32>(0xff800000u | (seed & 0u)); }
