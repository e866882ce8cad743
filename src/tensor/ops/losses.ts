/**
 * The losses: `crossEntropy` (fused log-softmax + NLL) and `nllLoss`, mean-reduced as in PyTorch.
 *
 * WGSL: `shaders/nll_loss.wgsl`. CPU twin: `_losses_ref.ts`. Tests: `losses_test.ts`.
 * @module
 */
import { device } from "../device.ts";
import { needsGrad, record } from "../autograd.ts";
import { Tensor } from "../tensor.ts";
import { layouts } from "../_shaders.ts";
import { packUniform } from "../_uniform.ts";
import { fmt } from "./_launch.ts";
import { R, reduceRaw } from "./reduce.ts";
import { isUnitSeed } from "./_accumulate.ts";
import { fitsWhole } from "./_chunk.ts";
import { rowDispatch } from "./_rows.ts";
import { tensorsArg } from "./_args.ts";

function checkTargets(input: Tensor, target: Tensor, what: string): void {
  if (input.rank !== 2) {
    throw new TypeError(
      `Cannot compute ${what} of input ${fmt(input.shape)}: expected [batch, classes]`,
    );
  }
  if (target.dtype !== "i32" || target.rank !== 1 || target.shape[0] !== input.shape[0]) {
    throw new TypeError(
      `Cannot compute ${what} of input ${fmt(input.shape)} with targets ${target.dtype}${
        fmt(target.shape)
      }: ` +
        `expected i32 targets of shape [${input.shape[0]}]`,
    );
  }
  if (input.dtype !== "f32") {
    throw new TypeError(
      `Cannot compute ${what} of an ${input.dtype} input: ${what} takes f32 inputs (convert with toFloat())`,
    );
  }
  // Labels uploaded from the host have a known range: an out-of-range one is an error now, not NaN.
  const r = target.hostRange, c = input.shape[1]!;
  if (r && (r.max >= c || r.min < 0)) {
    const bad = r.max >= c ? r.max : r.min;
    throw new RangeError(
      `Cannot compute ${what}: label ${bad} is out of range for ${c} classes (expected labels in [0, ${c}))`,
    );
  }
}

function nllImpl(input: Tensor, target: Tensor, fromLogits: boolean): Tensor {
  tensorsArg(fromLogits ? "crossEntropy" : "nllLoss", { input, target });
  const what = fromLogits ? "crossEntropy" : "nllLoss";
  checkTargets(input, target, what);
  const d = device();
  const [n, c] = input.shape as [number, number];
  const p = packUniform(layouts.nll_loss.Params, { N: n, C: c, scale: 1 / n });
  const u = d.uniform(p);
  const k = { FROM_LOGITS: fromLogits ? 1 : 0 };
  let out: Tensor;
  // With a graph and one workgroup's rows, the forward also writes the gradient for an upstream
  // gradient of 1 (what `backward(loss)` seeds): the backward then needs no dispatch.
  let pre: Tensor | null = null;
  const fits = fitsWhole(input.buffer);
  const name = `${what} of ${fmt(input.shape)}`;
  if (n <= 4096 && fits && needsGrad(input)) {
    out = Tensor.empty([]);
    pre = Tensor.empty(input.shape);
    d.dispatch(
      d.kernel("nll_loss", k, "main_mean_grad"),
      { P: u, x: input.buffer, labels: target.buffer, rowloss: out.buffer, gx: pre.buffer },
      [1],
      () => name,
    );
  } else if (n <= 4096 && fits) {
    // One workgroup: row losses and their mean in one dispatch.
    out = Tensor.empty([]);
    d.dispatch(
      d.kernel("nll_loss", k, "main_mean"),
      { P: u, x: input.buffer, labels: target.buffer, rowloss: out.buffer },
      [1],
      () => name,
    );
  } else {
    const rowLoss = Tensor.empty([n]);
    rowDispatch(
      { name: "nll_loss", k },
      new Uint32Array(p),
      [{ t: input, rowElems: c }, { t: target, rowElems: 1 }],
      [{ t: rowLoss, rowElems: 1 }],
      ([x, labels], [rowloss]) => ({ x: x!, labels: labels!, rowloss: rowloss! }),
      1,
      name,
    );
    out = reduceRaw(rowLoss, [0], R.sum, 1 / n);
    rowLoss.dispose();
  }
  if (needsGrad(input)) {
    const saved = pre ? [input, target, pre] : [input, target];
    record(out, what, [input], saved, (g, [x, t, unit]) => {
      if (unit && isUnitSeed(g)) return [unit.view(input.shape)];
      const gx = Tensor.empty(input.shape);
      rowDispatch(
        { name: "nll_loss", k, e: "backward" },
        new Uint32Array(p),
        [{ t: x!, rowElems: c }, { t: t!, rowElems: 1 }, { t: g, rowElems: 0 }],
        [{ t: gx, rowElems: c }],
        ([x, labels, g], [gx]) => ({ x: x!, labels: labels!, g: g!, gx: gx! }),
        1,
        `the backward of ${name}`,
      );
      return [gx];
    });
  }
  pre?.dispose(); // the graph keeps its own reference
  return out;
}

/**
 * Mean cross-entropy of logits `[batch, classes]` at `i32` class targets `[batch]` (fused, stable).
 *
 * @example Usage
 * ```ts ignore
 * const loss = crossEntropy(logits, labels); // shape []
 * ```
 */
export const crossEntropy = (logits: Tensor, target: Tensor): Tensor =>
  nllImpl(logits, target, true);

/** Mean negative log-likelihood of log-probabilities `[batch, classes]` at `i32` targets `[batch]`. */
export const nllLoss = (logProbs: Tensor, target: Tensor): Tensor =>
  nllImpl(logProbs, target, false);
