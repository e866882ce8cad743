/**
 * The CPU twin of `_accumulate.ts`'s kernel (`shaders/axpy.wgsl`): `y = alpha * x + beta * y`, the
 * gradient accumulation of autograd. Tests: `accumulate_test.ts`.
 * @module
 */

/** `alpha * x + beta * y`, elementwise. */
export function axpyRef(
  y: ArrayLike<number>,
  x: ArrayLike<number>,
  alpha: number,
  beta: number,
): Float64Array {
  return Float64Array.from(y, (v, i) => alpha * x[i]! + beta * v);
}
