/**
 * Optimizers whose hyperparameters live in one GPU uniform per parameter group: `setHypers()` is one
 * buffer write and `step()` one fused WGSL kernel per parameter.
 *
 * @example Usage
 * ```ts
 * import { init, randn } from "../tensor/mod.ts";
 * import { Linear } from "../nn/mod.ts";
 * import { Adam } from "./mod.ts";
 * await init();
 * const model = new Linear(4, 2, { seed: 0 });
 * const opt = new Adam(model.parameters(), { lr: 1e-3 });
 * const loss = model.forward(randn([8, 4])).sum();
 * loss.backward();
 * opt.step();
 * opt.zeroGrad();
 * ```
 * @module
 */
export * from "./hypers.ts";
export * from "./optimizer.ts";
export * from "./sgd.ts";
export * from "./adam.ts";
export * from "./rmsprop.ts";
