/**
 * Plain-TypeScript (float64) reference of batch normalisation over [N, C, HW], forward (with the running
 * statistics update) and the full backward, for the tests.
 * @module
 */

/** Result of {@linkcode batchNormRef}. */
export interface BatchNormRefResult {
  y: Float64Array;
  runningMean: Float64Array;
  runningVar: Float64Array;
  gx: Float64Array;
  gw: Float64Array;
  gb: Float64Array;
}

/** Batch norm of x [N, C, HW]; `training` uses batch statistics, else the running ones. */
export function batchNormRef(
  shape: readonly number[],
  x: ArrayLike<number>,
  weight: ArrayLike<number>,
  bias: ArrayLike<number>,
  runningMean: ArrayLike<number>,
  runningVar: ArrayLike<number>,
  opts: { training: boolean; momentum: number; eps: number },
  gy: ArrayLike<number>,
): BatchNormRefResult {
  const n = shape[0]!, c = shape[1]!, hw = shape.slice(2).reduce((a, b) => a * b, 1);
  const m = n * hw;
  const at = (ch: number, k: number) => (Math.floor(k / hw) * c + ch) * hw + (k % hw);
  const y = new Float64Array(x.length), gx = new Float64Array(x.length);
  const rm = Float64Array.from(runningMean), rv = Float64Array.from(runningVar);
  const gw = new Float64Array(c), gb = new Float64Array(c);
  for (let ch = 0; ch < c; ch++) {
    let mean = 0, v = 0;
    if (opts.training) {
      for (let k = 0; k < m; k++) mean += x[at(ch, k)]!;
      mean /= m;
      for (let k = 0; k < m; k++) v += (x[at(ch, k)]! - mean) ** 2;
      v /= m;
      rm[ch] = (1 - opts.momentum) * rm[ch]! + opts.momentum * mean;
      rv[ch] = (1 - opts.momentum) * rv[ch]! + opts.momentum * v * m / (m - 1);
    } else {
      mean = runningMean[ch]!;
      v = runningVar[ch]!;
    }
    const inv = 1 / Math.sqrt(v + opts.eps);
    let sg = 0, sgx = 0;
    for (let k = 0; k < m; k++) {
      const i = at(ch, k), xh = (x[i]! - mean) * inv;
      y[i] = xh * weight[ch]! + bias[ch]!;
      sg += gy[i]!;
      sgx += gy[i]! * xh;
    }
    gb[ch] = sg;
    gw[ch] = sgx;
    for (let k = 0; k < m; k++) {
      const i = at(ch, k), xh = (x[i]! - mean) * inv;
      gx[i] = opts.training
        ? weight[ch]! * inv * (gy[i]! - sg / m - xh * sgx / m)
        : weight[ch]! * inv * gy[i]!;
    }
  }
  return { y, runningMean: rm, runningVar: rv, gx, gw, gb };
}
