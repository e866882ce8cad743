// The ops of the binary kernels, generic over `T` (f32 or vec4<f32>), which the including shader defines
// with `t_max`, `t_min` and `t_relu_keep` (the NaN-propagating helpers of `_nan.wgsl` for `T`).
fn f(x: T, y: T) -> T {
  switch OP {
    case 0u: { return x + y; }
    case 1u: { return x - y; }
    case 2u: { return x * y; }
    case 3u: { return x / y; }
    case 4u: { return pow(x, y); }
    case 5u: { return t_max(x, y); }
    case 6u: { return t_min(x, y); }
    case 7u: { return select(T(0.0), T(1.0), x > y); }
    case 8u: { return select(T(0.0), T(1.0), x >= y); }
    case 9u: { return select(T(0.0), T(1.0), x < y); }
    case 10u: { return select(T(0.0), T(1.0), x <= y); }
    case 11u: { return select(T(0.0), T(1.0), x == y); }
    case 12u: { return select(T(0.0), T(1.0), x != y); }
    case 13u: { return select(T(0.0), y, t_relu_keep(x)); }
    case 14u: { return y * x * (T(1.0) - x); }
    case 15u: { return y * (T(1.0) - x * x); }
    case 16u: { return x * P.s0 + y * P.s1; }
    case 17u: { return y * 0.5 / x; }
    default: { return x; }
  }
}
