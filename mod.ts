/**
 * tempo: a Deno-native training toolkit on WebGPU with fastai's TrainingPhase API.
 * @module
 */
export * from "./src/tensor/mod.ts";
export * from "./src/nn/mod.ts";
export * from "./src/optim/mod.ts";
export * from "./src/sched/mod.ts";
export * from "./src/data/mod.ts";
export * from "./src/plot/mod.ts";
export * from "./src/io/mod.ts";
// Both the tensor op `minimum` (elementwise, PyTorch's) and the LR finder's `minimum` suggestion
// (fastai's) exist; the root keeps the suggestion, the op is `minimum` of "./tensor".
export { minimum } from "./src/sched/mod.ts";
