// The ops of the binary kernels, generic over `T` (f32 or vec4<f32>), which the including shader defines
// with `t_max`, `t_min` and `t_relu_keep` (the NaN-propagating helpers of `_nan.wgsl` for `T`).
//#include "_binary_op_codes.wgsl"
fn f(x: T, y: T) -> T {
  switch OP {
    case OP_ADD: { return x + y; }
    case OP_SUB: { return x - y; }
    case OP_MUL: { return x * y; }
    case OP_DIV: { return x / y; }
    case OP_POW: { return pow(x, y); }
    case OP_MAX: { return t_max(x, y); }
    case OP_MIN: { return t_min(x, y); }
    case OP_GT: { return select(T(0.0), T(1.0), x > y); }
    case OP_GE: { return select(T(0.0), T(1.0), x >= y); }
    case OP_LT: { return select(T(0.0), T(1.0), x < y); }
    case OP_LE: { return select(T(0.0), T(1.0), x <= y); }
    case OP_EQ: { return select(T(0.0), T(1.0), x == y); }
    case OP_NE: { return select(T(0.0), T(1.0), x != y); }
    case OP_RELU_GRAD: { return select(T(0.0), y, t_relu_keep(x)); }
    case OP_SIGMOID_GRAD: { return y * x * (T(1.0) - x); }
    case OP_TANH_GRAD: { return y * (T(1.0) - x * x); }
    case OP_AXPBY: { return x * P.s0 + y * P.s1; }
    case OP_SQRT_GRAD: { return y * 0.5 / x; }
    default: { return x; }
  }
}
