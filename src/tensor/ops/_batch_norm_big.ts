/**
 * Batch normalisation of an input bigger than one storage binding, composed of ops that split
 * themselves (reductions over slabs, elementwise ops over chunks): the batch statistics are `mean` and
 * the mean of squared deviations over every dimension but 1, the running statistics are updated in place
 * (unbiased variance, as PyTorch), and the gradients follow from the graph of the composition. Same values
 * as `batchNorm`'s kernels; slower, and used only when those kernels cannot bind the input.
 * @module
 */
import { noGrad } from "../autograd.ts";
import type { Tensor } from "../tensor.ts";
import { tidy } from "../scope.ts";
import { add, mul, powScalar, sub } from "./elementwise.ts";
import { mean } from "./reduce.ts";
import { reshape } from "./movement.ts";
import { axpy } from "./_accumulate.ts";
import type { BatchNormOptions } from "./batch_norm.ts";

/** `batchNorm(x, opts)` by composition (see the module doc); `opts` already checked. */
export function batchNormComposed(x: Tensor, opts: BatchNormOptions): Tensor {
  const c = x.shape[1]!;
  const axes = x.shape.map((_, i) => i).filter((i) => i !== 1);
  const bshape = x.shape.map((d, i) => (i === 1 ? d : 1));
  const eps = opts.eps ?? 1e-5, m = opts.momentum ?? 0.1;
  const { weight, bias, runningMean: rm, runningVar: rv } = opts;
  const batchStats = opts.training || !rm;
  return tidy(() => {
    let mu: Tensor, variance: Tensor;
    if (batchStats) {
      mu = mean(x, axes, { keepDim: true });
      const dev = sub(x, mu);
      variance = mean(mul(dev, dev), axes, { keepDim: true });
      if (opts.training && rm && rv) {
        const count = x.size / c;
        noGrad(() => {
          axpy(rm, reshape(mu, [c]), m, 1 - m);
          axpy(rv, reshape(variance, [c]), (m * count) / (count - 1), 1 - m);
        });
      }
    } else {
      mu = reshape(rm!, bshape);
      variance = reshape(rv!, bshape);
    }
    let y = mul(sub(x, mu), powScalar(add(variance, eps), -0.5));
    if (weight) y = mul(y, reshape(weight, bshape));
    if (bias) y = add(y, reshape(bias, bshape));
    return y;
  });
}
