/**
 * Losses (re-exported from the engine) and metrics that stay on the GPU.
 * @module
 */
import { tensorsArg } from "../tensor/ops/_args.ts";
import { crossEntropy, ge, max, nllLoss, noGrad, type Tensor, tidy } from "../tensor/mod.ts";

export { crossEntropy, nllLoss };

/**
 * Fraction of rows of `output [N, C]` whose largest value is at the `i32` label of `target [N]`, as a GPU
 * scalar (no readback: read it with `await acc.item()` when you need it, e.g. once per epoch).
 * Computed as `mean_r [output[r, target[r]] >= max_c output[r, c]]`: on exact ties, a target that is
 * among the maxima counts as correct (argmax would pick the first).
 *
 * @example Usage
 * ```ts
 * import { init, tensor } from "../tensor/mod.ts";
 * await init();
 * const out = tensor([[0.1, 0.9], [0.8, 0.2]]), y = tensor([1, 1], { dtype: "i32" });
 * const acc = accuracy(out, y); // shape []: 0.5, or accuracy(model.forward(x), y)
 * ```
 */
export function accuracy(output: Tensor, target: Tensor): Tensor {
  tensorsArg("compute accuracy", { output, target });
  if (output.rank !== 2) {
    throw new TypeError(
      `Cannot compute accuracy of output [${output.shape}]: expected [batch, classes]`,
    );
  }
  return noGrad(() =>
    tidy(() => {
      const hit = ge(output, max(output, 1, { keepDim: true })); // [N,C] 1 at the row maxima
      return nllLoss(hit, target).mul(-1); // [] mean of hit[r, target[r]]
    })
  );
}
