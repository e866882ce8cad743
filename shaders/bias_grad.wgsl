// The bias gradient of a linear layer: db[j] = sum over rows i of g[i, j], for g [rows, cols]. With
// RELU = 1 it is the gradient of a fused linear + ReLU: g is masked by the forward's output y first
// (g' = y > 0 || y is NaN ? g : 0), and g' is also written out for the weight and input GEMMs, so the mask and the
// sum cost one dispatch. One invocation per column; neighbouring invocations read neighbouring
// columns of a row.
struct Params { rows: u32, cols: u32, pad0: u32, pad1: u32 }
//#include "_nan.wgsl"
override RELU: u32 = 0u;

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> gm: array<f32>;
@group(0) @binding(4) var<storage, read_write> db: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let j = gid.x;
  if (j >= P.cols) { return; }
  var s = 0.0;
  for (var i = 0u; i < P.rows; i++) {
    let k = i * P.cols + j;
    var v = g[k];
    if (RELU == 1u) {
      v = select(0.0, v, relu_keep(y[k]));
      gm[k] = v;
    }
    s += v;
  }
  db[j] = s;
}
