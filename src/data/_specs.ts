/**
 * Private: the option specs of the data loaders, data sets and transforms (for `src/_options.ts`'s
 * `checkOptions`). Kinds only; the constructors check the ranges.
 * @module
 */
import type { OptionSpec } from "../_options.ts";

/** `BunchOptions`. */
export const BUNCH_SPEC: OptionSpec = {
  bs: "number",
  tfms: "object",
  seed: "number",
  dropLast: "boolean",
  prefetch: "number",
  shuffle: "boolean",
};

/** `MnistBunchOptions`. */
export const MNIST_BUNCH_SPEC: OptionSpec = {
  ...BUNCH_SPEC,
  sz: "number",
  channels: { oneOf: [1, 3] },
  fit: { oneOf: ["resize", "pad"] },
};

/** Options of `ImageClassifierData.fromArrays`. */
export const FROM_ARRAYS_SPEC: OptionSpec = {
  ...BUNCH_SPEC,
  train: "array",
  valid: "array",
  shape: "array",
  classes: "array",
  stats: "array",
};

/** Options of `ImageClassifierData.fromPaths`. */
export const FROM_PATHS_SPEC: OptionSpec = {
  ...BUNCH_SPEC,
  trnName: "string",
  valName: "string",
  channels: { oneOf: [1, 3] },
  preload: "boolean",
};

/** Options of `ImageClassifierData.fromIdx`. */
export const FROM_IDX_SPEC: OptionSpec = { ...MNIST_BUNCH_SPEC, classes: "array", stats: "array" };

/** `LoadFashionMnistOptions`. */
export const FASHION_MNIST_SPEC: OptionSpec = {
  path: "string",
  download: "boolean",
  cacheDir: "string",
  searchDirs: "array",
  mirrors: "array",
  log: "function",
};

/** `LoadCifar10Options`. */
export const CIFAR10_SPEC: OptionSpec = {
  path: "string",
  trainFiles: "array",
  testFiles: "array",
};

/** `DataLoaderOptions`. */
export const DATA_LOADER_SPEC: OptionSpec = {
  batchSize: "number",
  shuffle: "boolean",
  seed: "number",
  dropLast: "boolean",
  tfm: "object",
  prefetch: "number",
};

/** `ImageTransformOptions`. */
export const IMAGE_TRANSFORM_SPEC: OptionSpec = {
  size: ["number", "array"],
  stats: "array",
  pad: "number",
  crop: { oneOf: ["random", "center"] },
  augTfms: "array",
};

/** `TfmsOptions`. */
export const TFMS_SPEC: OptionSpec = {
  augTfms: "array",
  pad: "number",
  cropType: { oneOf: ["random", "center"] },
  channels: "number",
};

/** `ImageFolderOptions`. */
export const IMAGE_FOLDER_SPEC: OptionSpec = {
  channels: { oneOf: [1, 3] },
  classes: "array",
  preload: "boolean",
};
