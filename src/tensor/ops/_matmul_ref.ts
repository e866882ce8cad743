/**
 * Plain-TypeScript reference of the matmul kernel, for tests: batched `op(A) op(B)` with an optional bias
 * and ReLU, in float64.
 * @module
 */

/** Operands of {@linkcode matmulRef}: flat row-major data and their shapes (rank >= 2). */
export interface MatmulRefInput {
  a: ArrayLike<number>;
  aShape: readonly number[];
  b: ArrayLike<number>;
  bShape: readonly number[];
  transA?: boolean;
  transB?: boolean;
  bias?: ArrayLike<number>;
  relu?: boolean;
}

/** `op(A) op(B) (+ bias) (relu)` over the last two dims; a batch of 1 broadcasts. Returns data and shape. */
export function matmulRef(x: MatmulRefInput): { data: Float64Array; shape: number[] } {
  const ta = x.transA ?? false, tb = x.transB ?? false;
  const [ar, ac] = x.aShape.slice(-2) as [number, number];
  const [br, bc] = x.bShape.slice(-2) as [number, number];
  const m = ta ? ac : ar, k = ta ? ar : ac, n = tb ? br : bc;
  if ((tb ? bc : br) !== k) {
    throw new TypeError(`matmulRef: inner dimensions ${k} and ${tb ? bc : br}`);
  }
  const batchA = x.aShape.slice(0, -2).reduce((p, q) => p * q, 1);
  const batchB = x.bShape.slice(0, -2).reduce((p, q) => p * q, 1);
  const batch = Math.max(batchA, batchB);
  const lead = (batchA >= batchB ? x.aShape : x.bShape).slice(0, -2);
  const out = new Float64Array(batch * m * n);
  for (let z = 0; z < batch; z++) {
    const oa = batchA === 1 ? 0 : z * m * k, ob = batchB === 1 ? 0 : z * k * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) {
          const av = x.a[oa + (ta ? p * m + i : i * k + p)]!;
          const bv = x.b[ob + (tb ? j * k + p : p * n + j)]!;
          s += av * bv;
        }
        if (x.bias) s += x.bias[j]!;
        if (x.relu) s = Math.max(s, 0);
        out[(z * m + i) * n + j] = s;
      }
    }
  }
  return { data: out, shape: [...lead, m, n] };
}
