/**
 * The CPU twin of `elementwise.ts` (unary, binary with broadcasting, `where`): float64 math on
 * row-major arrays. Tests: `elementwise_test.ts`.
 * @module
 */
import { type Arr, size, strides, unravel } from "./_ref_arr.ts";

/** `f` applied to every element. */
export function mapRef(a: Arr, f: (x: number) => number): Arr {
  return { shape: [...a.shape], data: a.data.map(f) };
}

/** Binary op with NumPy broadcasting. */
export function zipRef(a: Arr, b: Arr, f: (x: number, y: number) => number): Arr {
  const n = Math.max(a.shape.length, b.shape.length);
  const pa = [...Array(n - a.shape.length).fill(1), ...a.shape];
  const pb = [...Array(n - b.shape.length).fill(1), ...b.shape];
  const shape = pa.map((x, i) => Math.max(x, pb[i]!));
  const sa = strides(pa), sb = strides(pb);
  const out = new Float64Array(size(shape));
  for (let i = 0; i < out.length; i++) {
    const idx = unravel(i, shape);
    let ia = 0, ib = 0;
    idx.forEach((c, d) => {
      ia += (pa[d] === 1 ? 0 : c) * sa[d]!;
      ib += (pb[d] === 1 ? 0 : c) * sb[d]!;
    });
    out[i] = f(a.data[ia]!, b.data[ib]!);
  }
  return { shape, data: out };
}

/** `cond != 0 ? a : b`, the three broadcast together. */
export function whereRef(cond: Arr, a: Arr, b: Arr): Arr {
  const n = Math.max(cond.shape.length, a.shape.length, b.shape.length);
  const pad = (s: readonly number[]) => [...Array(n - s.length).fill(1), ...s];
  const ps = [pad(cond.shape), pad(a.shape), pad(b.shape)];
  const shape = ps[0]!.map((_, d) => Math.max(...ps.map((p) => p[d]!)));
  const st = ps.map(strides);
  const src = [cond.data, a.data, b.data];
  const out = new Float64Array(size(shape));
  for (let i = 0; i < out.length; i++) {
    const idx = unravel(i, shape);
    const at = (k: number) =>
      src[k]![idx.reduce((acc, c, d) => acc + (ps[k]![d] === 1 ? 0 : c) * st[k]![d]!, 0)]!;
    out[i] = at(0) !== 0 ? at(1) : at(2);
  }
  return { shape, data: out };
}
