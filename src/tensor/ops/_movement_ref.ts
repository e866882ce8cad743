/**
 * The CPU twin of `movement.ts` (permute; reshapes and slices are index arithmetic the tests do
 * inline). Tests: `movement_test.ts`.
 * @module
 */
import { type Arr, strides, unravel } from "./_ref_arr.ts";

/** Dimension permutation. */
export function permuteRef(a: Arr, dims: number[]): Arr {
  const shape = dims.map((d) => a.shape[d]!);
  const sa = strides(a.shape);
  const out = new Float64Array(a.data.length);
  for (let i = 0; i < out.length; i++) {
    const idx = unravel(i, shape);
    out[i] = a.data[idx.reduce((s, c, k) => s + c * sa[dims[k]!]!, 0)]!;
  }
  return { shape, data: out };
}
