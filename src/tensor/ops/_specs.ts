/**
 * Private: the option specs of the public ops (for `src/_options.ts`'s `checkOptions`). Kinds only;
 * the ops check the values. Pooling and tensor creation check their own options.
 * @module
 */
import type { OptionCheck, OptionSpec } from "../../_options.ts";

const PAIR: OptionCheck = {
  test: (v) =>
    typeof v === "number" ||
    (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === "number")),
  expected: "a number or [h, w]",
};
const TENSOR_OR_NULL: OptionCheck = {
  test: (v) => v === null || (v !== null && typeof v === "object" && "shape" in v),
  expected: "a tensor or null",
};

/** `ReduceOptions`. */
export const REDUCE_SPEC: OptionSpec = { keepDim: "boolean" };

/** `MatmulOptions`. */
export const MATMUL_SPEC: OptionSpec = { transA: "boolean", transB: "boolean" };

/** `DropoutOptions`. */
export const DROPOUT_SPEC: OptionSpec = { p: "number", training: "boolean", seed: "number" };

/** `BatchNormOptions`. */
export const BATCH_NORM_SPEC: OptionSpec = {
  weight: TENSOR_OR_NULL,
  bias: TENSOR_OR_NULL,
  runningMean: TENSOR_OR_NULL,
  runningVar: TENSOR_OR_NULL,
  training: "boolean",
  momentum: "number",
  eps: "number",
};

/** `Conv2dOptions`. */
export const CONV2D_SPEC: OptionSpec = {
  stride: PAIR,
  padding: PAIR,
  dilation: PAIR,
  groups: "number",
};

/** `Conv2dBatchNormOptions`. */
export const CONV2D_BN_SPEC: OptionSpec = { ...CONV2D_SPEC, bn: "object", relu: "boolean" };
