// The op numbers of the binary kernels (`OP` override of binary.wgsl, binary_vec4.wgsl and
// binary_i32.wgsl); TypeScript reads them from the generated `constants.binary`.
const OP_ADD: u32 = 0u;
const OP_SUB: u32 = 1u;
const OP_MUL: u32 = 2u;
const OP_DIV: u32 = 3u;
const OP_POW: u32 = 4u;
const OP_MAX: u32 = 5u;
const OP_MIN: u32 = 6u;
const OP_GT: u32 = 7u;
const OP_GE: u32 = 8u;
const OP_LT: u32 = 9u;
const OP_LE: u32 = 10u;
const OP_EQ: u32 = 11u;
const OP_NE: u32 = 12u;
const OP_RELU_GRAD: u32 = 13u;
const OP_SIGMOID_GRAD: u32 = 14u;
const OP_TANH_GRAD: u32 = 15u;
const OP_AXPBY: u32 = 16u;
const OP_SQRT_GRAD: u32 = 17u;
