/**
 * Plain-TypeScript (float64) references of the 2-D poolings and their input gradients, for the tests.
 * Planes are NCHW: `b` = N*C planes of H x W.
 * @module
 */

/** Pooling geometry (kernel, stride, padding as [h, w]). */
export interface PoolRefGeo {
  b: number;
  h: number;
  w: number;
  k: [number, number];
  s: [number, number];
  p: [number, number];
}

/** Output size (floor mode). */
export function poolOut(g: PoolRefGeo): [number, number] {
  return [
    Math.floor((g.h + 2 * g.p[0] - g.k[0]) / g.s[0]) + 1,
    Math.floor((g.w + 2 * g.p[1] - g.k[1]) / g.s[1]) + 1,
  ];
}

/** Max pooling: output and gradient of sum(y * gy) (routed to the first maximum, or the last NaN). */
export function maxPoolRef(
  g: PoolRefGeo,
  x: ArrayLike<number>,
  gy?: ArrayLike<number>,
): { y: Float64Array; gx: Float64Array } {
  const [ho, wo] = poolOut(g);
  const y = new Float64Array(g.b * ho * wo), gx = new Float64Array(x.length);
  for (let b = 0; b < g.b; b++) {
    for (let oh = 0; oh < ho; oh++) {
      for (let ow = 0; ow < wo; ow++) {
        let best = -Infinity, arg = -1;
        for (let i = 0; i < g.k[0]; i++) {
          const h = oh * g.s[0] - g.p[0] + i;
          if (h < 0 || h >= g.h) continue;
          for (let j = 0; j < g.k[1]; j++) {
            const w = ow * g.s[1] - g.p[1] + j;
            if (w < 0 || w >= g.w) continue;
            const xi = (b * g.h + h) * g.w + w;
            // PyTorch: `val > maxval || isnan(val)`, so a NaN wins (the window's last one).
            const v = x[xi]!;
            if (arg < 0 || Number.isNaN(v) || (!Number.isNaN(best) && v > best)) {
              [best, arg] = [v, xi];
            }
          }
        }
        const o = (b * ho + oh) * wo + ow;
        y[o] = best;
        if (gy && arg >= 0) gx[arg]! += gy[o]!;
      }
    }
  }
  return { y, gx };
}

/** Average pooling (PyTorch divisor rules): output and input gradient. */
export function avgPoolRef(
  g: PoolRefGeo,
  countIncludePad: boolean,
  x: ArrayLike<number>,
  gy?: ArrayLike<number>,
): { y: Float64Array; gx: Float64Array } {
  const [ho, wo] = poolOut(g);
  const y = new Float64Array(g.b * ho * wo), gx = new Float64Array(x.length);
  for (let b = 0; b < g.b; b++) {
    for (let oh = 0; oh < ho; oh++) {
      for (let ow = 0; ow < wo; ow++) {
        let h0 = oh * g.s[0] - g.p[0], w0 = ow * g.s[1] - g.p[1];
        let h1 = Math.min(h0 + g.k[0], g.h + g.p[0]), w1 = Math.min(w0 + g.k[1], g.w + g.p[1]);
        let div = (h1 - h0) * (w1 - w0);
        h0 = Math.max(h0, 0);
        w0 = Math.max(w0, 0);
        h1 = Math.min(h1, g.h);
        w1 = Math.min(w1, g.w);
        if (!countIncludePad) div = (h1 - h0) * (w1 - w0);
        const o = (b * ho + oh) * wo + ow;
        for (let h = h0; h < h1; h++) {
          for (let w = w0; w < w1; w++) {
            const xi = (b * g.h + h) * g.w + w;
            y[o]! += x[xi]! / div;
            if (gy) gx[xi]! += gy[o]! / div;
          }
        }
      }
    }
  }
  return { y, gx };
}

/** Adaptive average pooling to `[ho, wo]` (bins floor(i*H/ho) .. ceil((i+1)*H/ho)). */
export function adaptiveAvgPoolRef(
  b: number,
  h: number,
  w: number,
  out: [number, number],
  x: ArrayLike<number>,
  gy?: ArrayLike<number>,
): { y: Float64Array; gx: Float64Array } {
  const [ho, wo] = out;
  const y = new Float64Array(b * ho * wo), gx = new Float64Array(x.length);
  for (let p = 0; p < b; p++) {
    for (let oh = 0; oh < ho; oh++) {
      const h0 = Math.floor((oh * h) / ho), h1 = Math.ceil(((oh + 1) * h) / ho);
      for (let ow = 0; ow < wo; ow++) {
        const w0 = Math.floor((ow * w) / wo), w1 = Math.ceil(((ow + 1) * w) / wo);
        const div = (h1 - h0) * (w1 - w0), o = (p * ho + oh) * wo + ow;
        for (let i = h0; i < h1; i++) {
          for (let j = w0; j < w1; j++) {
            y[o]! += x[(p * h + i) * w + j]! / div;
            if (gy) gx[(p * h + i) * w + j]! += gy[o]! / div;
          }
        }
      }
    }
  }
  return { y, gx };
}
