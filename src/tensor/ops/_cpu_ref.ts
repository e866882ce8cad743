/**
 * Plain-TypeScript references of the elementwise, reduction, movement and softmax kernels, written for
 * clarity (float64 math on row-major arrays). The GPU kernels are tested against these.
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

const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

function strides(s: number[]): number[] {
  const out = s.map(() => 1);
  for (let i = s.length - 2; i >= 0; i--) out[i] = out[i + 1]! * s[i + 1]!;
  return out;
}

function unravel(i: number, s: number[]): number[] {
  const idx = new Array<number>(s.length);
  for (let d = s.length - 1; d >= 0; d--) {
    idx[d] = i % s[d]!;
    i = Math.floor(i / s[d]!);
  }
  return idx;
}

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

/** Softmax (or log-softmax) along `dim`. */
export function softmaxRef(a: Arr, dim: number, log: boolean): Arr {
  const d = dim < 0 ? dim + a.shape.length : dim;
  const outer = size(a.shape.slice(0, d)), D = a.shape[d]!, inner = size(a.shape.slice(d + 1));
  const out = new Float64Array(a.data.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const at = (k: number) => o * D * inner + k * inner + i;
      let m = -Infinity;
      for (let k = 0; k < D; k++) m = Math.max(m, a.data[at(k)]!);
      let s = 0;
      for (let k = 0; k < D; k++) s += Math.exp(a.data[at(k)]! - m);
      for (let k = 0; k < D; k++) {
        const x = a.data[at(k)]! - m;
        out[at(k)] = log ? x - Math.log(s) : Math.exp(x) / s;
      }
    }
  }
  return { shape: [...a.shape], data: out };
}

/** Mean cross-entropy of logits [n, c] at labels. */
export function crossEntropyRef(a: Arr, labels: number[]): number {
  const ls = softmaxRef(a, 1, true);
  const c = a.shape[1]!;
  return -labels.reduce((s, y, i) => s + ls.data[i * c + y]!, 0) / labels.length;
}
