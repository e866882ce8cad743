/**
 * Private: host values checked and converted to the typed array of a dtype before an upload
 * (`tensor()`, `Tensor.write()`).
 * @module
 */
import type { DType } from "./tensor.ts";

const SMALL_INTS = [Int32Array, Int16Array, Int8Array, Uint16Array, Uint8Array, Uint8ClampedArray];

/**
 * `values` as the typed array of `dtype`, checked: a `TypeError` for an element that is not
 * a number, a `RangeError` for an i32 value that is not finite or outside the i32 range (PyTorch
 * refuses the overflow; fractions truncate toward zero, as PyTorch's).
 */
export function hostArray(
  values: ArrayLike<number>,
  dtype: DType,
  what: string,
): Float32Array | Int32Array {
  if (!ArrayBuffer.isView(values)) {
    for (let i = 0; i < values.length; i++) {
      if (typeof values[i] !== "number") {
        throw new TypeError(
          `Cannot ${what}: element ${i} is ${typeof values[i]} ${
            String(values[i])
          }, expected a number`,
        );
      }
    }
  }
  if (dtype === "f32") return values instanceof Float32Array ? values : Float32Array.from(values);
  if (!SMALL_INTS.some((C) => values instanceof C)) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (!(v >= -2147483648 && v < 2147483648)) {
        throw new RangeError(
          `Cannot ${what}: element ${i} is ${v}, outside the i32 range [-2147483648, 2147483647]`,
        );
      }
    }
  }
  return values instanceof Int32Array ? values : Int32Array.from(values);
}
