/**
 * Private: the array type of the plain-TypeScript twins (`_*_ref.ts`): float64 data with a row-major
 * shape, and the index helpers they share. Written for clarity, not speed.
 * @module
 */

/** An array with its shape. */
export interface Arr {
  shape: number[];
  data: Float64Array;
}

/** Makes an `Arr`. */
export const arr = (shape: number[], data: ArrayLike<number>): Arr => ({
  shape,
  data: Float64Array.from(data),
});

/** Number of elements of shape `s`. */
export const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

/** Row-major strides of `s`. */
export function strides(s: number[]): number[] {
  const out = s.map(() => 1);
  for (let i = s.length - 2; i >= 0; i--) out[i] = out[i + 1]! * s[i + 1]!;
  return out;
}

/** The coordinates of flat index `i` in shape `s`. */
export function unravel(i: number, s: number[]): number[] {
  const idx = new Array<number>(s.length);
  for (let d = s.length - 1; d >= 0; d--) {
    idx[d] = i % s[d]!;
    i = Math.floor(i / s[d]!);
  }
  return idx;
}
