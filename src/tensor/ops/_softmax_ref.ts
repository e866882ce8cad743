/**
 * The CPU twin of `softmax.ts`. Tests: `softmax_test.ts`.
 * @module
 */
import { type Arr, size } from "./_ref_arr.ts";

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
