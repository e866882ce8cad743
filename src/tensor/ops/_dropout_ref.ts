/**
 * The CPU twin of `dropout.ts`: the same counter-based hash as `shaders/dropout.wgsl` (element i of a
 * call with `key` is kept when pcg(pcg(i) ^ key) >= p * 2^32, and scaled by 1 / (1 - p)).
 * Tests: `dropout_test.ts`.
 * @module
 */

/** The PCG hash (32-bit, wrapping). */
function pcg(v: number): number {
  const state = (Math.imul(v >>> 0, 747796405) + 2891336453) >>> 0;
  const word = Math.imul(((state >>> ((state >>> 28) + 4)) ^ state) >>> 0, 277803737) >>> 0;
  return ((word >>> 22) ^ word) >>> 0;
}

/** Inverted dropout of `x` with probability `p` and the call's `key`. */
export function dropoutRef(x: ArrayLike<number>, p: number, key: number): Float64Array {
  const threshold = p >= 1 ? 0xffffffff : Math.round(p * 2 ** 32);
  const scale = p >= 1 ? 0 : 1 / (1 - p);
  return Float64Array.from(x, (v, i) => ((pcg(pcg(i) ^ key) >>> 0) >= threshold ? v * scale : 0));
}
