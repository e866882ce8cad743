/**
 * The CPU twin of `reduce.ts` (sum, mean, max, min, argmax over axes). Tests: `reduce_test.ts`.
 * @module
 */
import { type Arr, size, strides, unravel } from "./_ref_arr.ts";

/** Reduction over `axes` with `init`/`f`, then `fin`. */
export function reduceRef(
  a: Arr,
  axes: number[],
  f: (acc: number, x: number) => number,
  init: number,
  keepDim = false,
  fin: (acc: number, n: number) => number = (x) => x,
): Arr {
  const kShape = a.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const acc = new Float64Array(size(kShape)).fill(init);
  const ks = strides(kShape);
  let n = 1;
  for (const ax of axes) n *= a.shape[ax]!;
  for (let i = 0; i < a.data.length; i++) {
    const idx = unravel(i, a.shape);
    const o = idx.reduce((s, c, d) => s + (axes.includes(d) ? 0 : c) * ks[d]!, 0);
    acc[o] = f(acc[o]!, a.data[i]!);
  }
  const shape = keepDim ? kShape : a.shape.filter((_, i) => !axes.includes(i));
  return { shape, data: acc.map((x) => fin(x, n)) };
}
