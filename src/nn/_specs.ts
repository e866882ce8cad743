/**
 * Private: the option specs of the layers and model builders (for `src/_options.ts`'s
 * `checkOptions`). Kinds only; the constructors check the ranges.
 * @module
 */
import type { OptionCheck, OptionSpec } from "../_options.ts";

/** One number for both axes or `[h, w]`. */
export const PAIR: OptionCheck = {
  test: (v) =>
    typeof v === "number" ||
    (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === "number")),
  expected: "a number or [h, w]",
};

/** `{ seed }` of Dropout, simpleNet and BasicBlock. */
export const SEED_SPEC: OptionSpec = { seed: "number" };

/** `{ relu }` of `forward`. */
export const FORWARD_SPEC: OptionSpec = { relu: "boolean" };

/** `LinearOptions`. */
export const LINEAR_SPEC: OptionSpec = { bias: "boolean", seed: "number" };

/** `Conv2dLayerOptions`. */
export const CONV2D_SPEC: OptionSpec = {
  stride: PAIR,
  padding: PAIR,
  dilation: PAIR,
  groups: "number",
  bias: "boolean",
  seed: "number",
};

/** `BatchNormLayerOptions`. */
export const BATCH_NORM_SPEC: OptionSpec = { eps: "number", momentum: "number" };

/** Options of `MaxPool2d`. */
export const MAX_POOL_SPEC: OptionSpec = { stride: PAIR, padding: PAIR };

/** `ShallowConvNetOptions`. */
export const SHALLOW_CONV_SPEC: OptionSpec = {
  inChannels: "number",
  widths: "array",
  numClasses: "number",
  seed: "number",
};

/** `ResNetOptions`. */
export const RESNET_SPEC: OptionSpec = {
  layers: "array",
  widths: "array",
  inChannels: "number",
  numClasses: "number",
  seed: "number",
};
