/**
 * PyTorch's default initialisation, seeded: `kaiming_uniform_(a=sqrt(5))` for weights, which is
 * `U(-1/sqrt(fan_in), 1/sqrt(fan_in))`, and the same bound for biases.
 * @module
 */
import { rand, type Tensor } from "../tensor/mod.ts";

/** A seed for the next parameter: `seed` plus a counter (deterministic per construction order). */
export function seedStream(seed: number): () => number {
  let k = 0;
  return () => ((seed >>> 0) * 7919 + 104729 * ++k) >>> 0;
}

/** `U(-1/sqrt(fanIn), 1/sqrt(fanIn))` of `shape` (PyTorch's default for Linear and Conv2d). */
export function uniformFanIn(shape: readonly number[], fanIn: number, seed: number): Tensor {
  const b = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
  return rand(shape, { seed, low: -b, high: b, requiresGrad: true });
}

/** A random seed when none is given. */
export const randomSeed = (): number => (Math.random() * 2 ** 32) >>> 0;
