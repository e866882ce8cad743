/**
 * Optimizers whose hyperparameters live in one GPU uniform per parameter group: `setHypers()` is one
 * buffer write and `step()` one fused WGSL kernel per parameter.
 *
 * @example Usage
 * ```ts ignore
 * import { Adam } from "./mod.ts";
 * const opt = new Adam(model.parameters(), { lr: 1e-3 });
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
