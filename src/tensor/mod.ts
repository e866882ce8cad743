/**
 * The tensor engine: WGSL kernels on WebGPU, `Tensor`, autograd, and ops.
 *
 * @example Usage
 * ```ts
 * import { init, randn, tidy } from "./mod.ts";
 * await init();
 * const w = randn([3, 2], { requiresGrad: true });
 * const loss = tidy(() => randn([4, 3]).matmul(w).relu().sum());
 * loss.backward();
 * console.log(await w.grad!.data());
 * ```
 * @module
 */
export * from "./device.ts";
export * from "./gpu_error.ts";
export { type DebugLog, getDebug, setDebug } from "./debug.ts";
export * from "./fusion.ts";
export * from "./tensor.ts";
export * from "./scope.ts";
export {
  type MemoryStats,
  memoryStats,
  type PoolAutoTrimOptions,
  setPoolAutoTrim,
  trimPool,
} from "./memory.ts";
export {
  isTrackingTensors,
  leakReport,
  type LiveTensor,
  liveTensors,
  trackTensors,
} from "./leaks.ts";
export * from "./autograd.ts";
export * from "./creation.ts";
export * from "./ops/elementwise.ts";
export * from "./ops/reduce.ts";
export * from "./ops/matmul.ts";
export * from "./ops/movement.ts";
export * from "./ops/softmax.ts";
export * from "./ops/losses.ts";
export * from "./ops/conv.ts";
export * from "./ops/pool.ts";
export * from "./ops/batch_norm.ts";
export * from "./ops/conv_bn.ts";
export * from "./ops/dropout.ts";
export * from "./ops/cast.ts";
export * from "./tune.ts";
