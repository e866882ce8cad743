/**
 * Plain-TypeScript (float64) reference of `conv2d` and its gradients, for the tests.
 * @module
 */

/** Geometry of a reference convolution. */
export interface ConvRefGeo {
  n: number;
  c: number;
  h: number;
  w: number;
  co: number;
  kh: number;
  kw: number;
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  groups: number;
}

/** Output height and width. */
export function convOut(g: ConvRefGeo): [number, number] {
  const ho = Math.floor((g.h + 2 * g.padding[0] - g.dilation[0] * (g.kh - 1) - 1) / g.stride[0]) +
    1;
  const wo = Math.floor((g.w + 2 * g.padding[1] - g.dilation[1] * (g.kw - 1) - 1) / g.stride[1]) +
    1;
  return [ho, wo];
}

/** Calls `f(xi, wi, yi)` for every (input, weight, output) index triple of the convolution. */
function each(g: ConvRefGeo, f: (xi: number, wi: number, yi: number) => void): void {
  const [ho, wo] = convOut(g);
  const cg = g.c / g.groups, cog = g.co / g.groups;
  for (let n = 0; n < g.n; n++) {
    for (let o = 0; o < g.co; o++) {
      const grp = Math.floor(o / cog);
      for (let oh = 0; oh < ho; oh++) {
        for (let ow = 0; ow < wo; ow++) {
          const yi = ((n * g.co + o) * ho + oh) * wo + ow;
          for (let ci = 0; ci < cg; ci++) {
            const c = grp * cg + ci;
            for (let i = 0; i < g.kh; i++) {
              const ih = oh * g.stride[0] - g.padding[0] + i * g.dilation[0];
              if (ih < 0 || ih >= g.h) continue;
              for (let j = 0; j < g.kw; j++) {
                const iw = ow * g.stride[1] - g.padding[1] + j * g.dilation[1];
                if (iw < 0 || iw >= g.w) continue;
                f(((n * g.c + c) * g.h + ih) * g.w + iw, ((o * cg + ci) * g.kh + i) * g.kw + j, yi);
              }
            }
          }
        }
      }
    }
  }
}

/** Forward: y [N, Cout, Ho, Wo]. */
export function conv2dRef(
  g: ConvRefGeo,
  x: ArrayLike<number>,
  w: ArrayLike<number>,
  bias?: ArrayLike<number>,
): Float64Array {
  const [ho, wo] = convOut(g);
  const y = new Float64Array(g.n * g.co * ho * wo);
  if (bias) { for (let i = 0; i < y.length; i++) y[i] = bias[Math.floor(i / (ho * wo)) % g.co]!; }
  each(g, (xi, wi, yi) => {
    y[yi]! += x[xi]! * w[wi]!;
  });
  return y;
}

/** Gradients of sum(y * gy) w.r.t. x, w and bias. */
export function conv2dRefGrad(
  g: ConvRefGeo,
  x: ArrayLike<number>,
  w: ArrayLike<number>,
  gy: ArrayLike<number>,
): { gx: Float64Array; gw: Float64Array; gb: Float64Array } {
  const [ho, wo] = convOut(g);
  const gx = new Float64Array(x.length), gw = new Float64Array(w.length);
  const gb = new Float64Array(g.co);
  for (let i = 0; i < gy.length; i++) gb[Math.floor(i / (ho * wo)) % g.co]! += gy[i]!;
  each(g, (xi, wi, yi) => {
    gx[xi]! += w[wi]! * gy[yi]!;
    gw[wi]! += x[xi]! * gy[yi]!;
  });
  return { gx, gw, gb };
}
