/**
 * The CPU twin of `conv_bn.ts` (the fused `conv2dBatchNorm`): the convolution of `_conv_ref.ts`, the
 * training-mode batch norm of `_batch_norm_ref.ts`, then the optional ReLU. Tests: `conv_bn_test.ts`.
 * @module
 */
import { conv2dRef, convOut, type ConvRefGeo } from "./_conv_ref.ts";
import { batchNormRef } from "./_batch_norm_ref.ts";

/** y = relu?(batchNorm(conv2d(x, w, bias))) in training mode, with the updated running buffers. */
export function conv2dBatchNormRef(
  g: ConvRefGeo,
  x: ArrayLike<number>,
  w: ArrayLike<number>,
  bias: ArrayLike<number> | undefined,
  bn: {
    weight: ArrayLike<number>;
    bias: ArrayLike<number>;
    mean: ArrayLike<number>;
    var: ArrayLike<number>;
  },
  relu: boolean,
): { y: Float64Array; runningMean: Float64Array; runningVar: Float64Array } {
  const [ho, wo] = convOut(g);
  const z = conv2dRef(g, x, w, bias);
  const r = batchNormRef(
    [g.n, g.co, ho, wo],
    z,
    bn.weight,
    bn.bias,
    bn.mean,
    bn.var,
    { training: true, momentum: 0.1, eps: 1e-5 },
    new Float64Array(z.length),
  );
  const y = relu ? r.y.map((v) => Math.max(v, 0)) : r.y;
  return { y, runningMean: r.runningMean, runningVar: r.runningVar };
}
