/**
 * The CPU twin of `cast.ts`: f32 -> i32 truncates toward zero (NaN gives 0, values past the i32 range
 * saturate), i32 -> f32 rounds to the nearest f32. Tests: `cast_test.ts`.
 * @module
 */

/** `x` (f32 values) converted to i32 as `shaders/cast.wgsl` does. */
export function toIntRef(x: ArrayLike<number>): Int32Array {
  return Int32Array.from(x, (v) => {
    if (Number.isNaN(v)) return 0;
    if (v >= 2147483520) return 2147483647;
    if (v <= -2147483648) return -2147483648;
    return Math.trunc(v);
  });
}

/** `x` (i32 values) converted to f32. */
export function toFloatRef(x: ArrayLike<number>): Float32Array {
  return Float32Array.from(x);
}
