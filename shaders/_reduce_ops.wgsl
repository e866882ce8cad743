// The operation of both reduction shaders (`reduce.wgsl`, `reduce_sg.wgsl`): its op codes and
// override, the identity, the NaN-keeping combine and the final scale, with the bindings they share
// and the workgroup memory of one partial per invocation, and one invocation's strided share of an
// output (after `_reduce_index.wgsl`, whose indexing it uses).
//#include "_nan.wgsl"
const OP_SUM: u32 = 0u;
const OP_MAX: u32 = 1u;
const OP_MIN: u32 = 2u;
override OP: u32 = OP_SUM;
override WG: u32 = 256u;

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

var<workgroup> partial: array<f32, 256>;

fn init() -> f32 {
  switch OP {
    case OP_MAX: { return neg_inf(P.numel); }
    case OP_MIN: { return -neg_inf(P.numel); }
    default: { return 0.0; }
  }
}

fn combine(x: f32, y: f32) -> f32 {
  switch OP {
    case OP_MAX: { return nan_max(x, y); }
    case OP_MIN: { return nan_min(x, y); }
    default: { return x + y; }
  }
}

fn finish(x: f32) -> f32 {
  if (OP == OP_SUM) { return x * P.scale; }
  return x;
}

// Invocation lid's share of output o's reduced elements (r = lid, lid + WG, ...), combined; the
// identity past the outputs. The first step of `reduce.wgsl`'s `main_wg` and of `reduce_sg.wgsl`.
fn share(o: u32, lid: u32) -> f32 {
  var acc = init();
  if (o < P.numel) {
    let b = base_of(o);
    for (var r = lid; r < P.rsize; r += WG) {
      acc = combine(acc, a[b + roff(r)]);
    }
  }
  return acc;
}
