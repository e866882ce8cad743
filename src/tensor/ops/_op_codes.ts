/**
 * Private: the op numbers of the elementwise kernels by name (`U` for `shaders/unary.wgsl`, `B` for the
 * binary kernels), read from the WGSL's `const OP_*` through the generated `constants`.
 * @module
 */
import { constants } from "../_shaders.ts";

const UC = constants.unary;
/** `OP` numbers of `shaders/unary.wgsl` (generated from its `const OP_*`). */
export const U = {
  copy: UC.OP_COPY,
  neg: UC.OP_NEG,
  exp: UC.OP_EXP,
  log: UC.OP_LOG,
  sqrt: UC.OP_SQRT,
  relu: UC.OP_RELU,
  sigmoid: UC.OP_SIGMOID,
  tanh: UC.OP_TANH,
  abs: UC.OP_ABS,
  addS: UC.OP_ADD_S,
  mulS: UC.OP_MUL_S,
  powS: UC.OP_POW_S,
  rsubS: UC.OP_RSUB_S,
  rdivS: UC.OP_RDIV_S,
  maxS: UC.OP_MAX_S,
  minS: UC.OP_MIN_S,
  gtS: UC.OP_GT_S,
  fill: UC.OP_FILL,
  square: UC.OP_SQUARE,
  recip: UC.OP_RECIP,
  affine: UC.OP_AFFINE,
  ltS: UC.OP_LT_S,
  eqS: UC.OP_EQ_S,
  sign: UC.OP_SIGN,
  geS: UC.OP_GE_S,
} as const;

const BC = constants.binary;
/** `OP` numbers of `shaders/binary.wgsl` (generated from `_binary_op_codes.wgsl`). */
export const B = {
  add: BC.OP_ADD,
  sub: BC.OP_SUB,
  mul: BC.OP_MUL,
  div: BC.OP_DIV,
  pow: BC.OP_POW,
  max: BC.OP_MAX,
  min: BC.OP_MIN,
  gt: BC.OP_GT,
  ge: BC.OP_GE,
  lt: BC.OP_LT,
  le: BC.OP_LE,
  eq: BC.OP_EQ,
  ne: BC.OP_NE,
  reluGrad: BC.OP_RELU_GRAD,
  sigmoidGrad: BC.OP_SIGMOID_GRAD,
  tanhGrad: BC.OP_TANH_GRAD,
  axpby: BC.OP_AXPBY,
  sqrtGrad: BC.OP_SQRT_GRAD,
} as const;
