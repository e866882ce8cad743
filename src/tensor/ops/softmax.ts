/**
 * `softmax` and `logSoftmax` along any dimension (kernels `shaders/softmax.wgsl` and
 * `shaders/softmax_backward.wgsl`), and the losses `crossEntropy` (fused log-softmax + NLL) and
 * `nllLoss` (kernel `shaders/nll_loss.wgsl`), mean-reduced as in PyTorch.
 * @module
 */
import { device } from "../device.ts";
import { needsGrad, record } from "../autograd.ts";
import { Tensor } from "../tensor.ts";
import { floatOnly } from "./_dtype.ts";
import { fmt, grid1d } from "./_launch.ts";
import { reduceRaw } from "./reduce.ts";
import { isUnitSeed } from "./_accumulate.ts";

function rows(a: Tensor, dim: number): Uint32Array {
  const r = a.rank;
  const d = dim < 0 ? dim + r : dim;
  if (!Number.isInteger(d) || d < 0 || d >= r) {
    throw new RangeError(
      `Cannot take softmax over dim ${dim} of a tensor of shape ${fmt(a.shape)}`,
    );
  }
  const outer = a.shape.slice(0, d).reduce((x, y) => x * y, 1);
  const inner = a.shape.slice(d + 1).reduce((x, y) => x * y, 1);
  return new Uint32Array([outer, a.shape[d]!, inner, 0]);
}

function softmaxImpl(a: Tensor, dim: number, log: boolean): Tensor {
  floatOnly(log ? "logSoftmax" : "softmax", [a]);
  const d = device();
  const p = rows(a, dim);
  const n = p[0]! * p[2]!;
  const out = Tensor.empty(a.shape);
  d.dispatch(
    d.kernel("softmax", { LOG: log ? 1 : 0 }),
    [d.uniform(p.buffer), a.buffer, out.buffer],
    grid1d(n, 64),
  );
  if (needsGrad(a)) {
    record(out, log ? "log_softmax" : "softmax", [a], [out], (g, [y]) => {
      const gx = Tensor.empty(a.shape);
      d.dispatch(
        d.kernel("softmax_backward", { LOG: log ? 1 : 0 }),
        [d.uniform(p.buffer), y!.buffer, g.buffer, gx.buffer],
        grid1d(n, 64),
      );
      return [gx];
    });
  }
  return out;
}

/** Softmax along `dim` (last by default). */
export const softmax = (a: Tensor, dim = -1): Tensor => softmaxImpl(a, dim, false);
/** Log-softmax along `dim` (last by default), computed stably. */
export const logSoftmax = (a: Tensor, dim = -1): Tensor => softmaxImpl(a, dim, true);

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
  const what = fromLogits ? "crossEntropy" : "nllLoss";
  checkTargets(input, target, what);
  const d = device();
  const [n, c] = input.shape as [number, number];
  const p = new ArrayBuffer(16);
  new Uint32Array(p).set([n, c]);
  new Float32Array(p)[2] = 1 / n;
  const u = d.uniform(p);
  const k = { FROM_LOGITS: fromLogits ? 1 : 0 };
  let out: Tensor;
  // With a graph and one workgroup's rows, the forward also writes the gradient for an upstream
  // gradient of 1 (what `backward(loss)` seeds): the backward then needs no dispatch.
  let pre: Tensor | null = null;
  if (n <= 4096 && needsGrad(input)) {
    out = Tensor.empty([]);
    pre = Tensor.empty(input.shape);
    d.dispatch(
      d.kernel("nll_loss", k, "main_mean_grad"),
      [u, input.buffer, target.buffer, out.buffer, null, pre.buffer],
      [1],
    );
  } else if (n <= 4096) {
    // One workgroup: row losses and their mean in one dispatch.
    out = Tensor.empty([]);
    d.dispatch(
      d.kernel("nll_loss", k, "main_mean"),
      [u, input.buffer, target.buffer, out.buffer],
      [1],
    );
  } else {
    const rowLoss = Tensor.empty([n]);
    d.dispatch(
      d.kernel("nll_loss", k),
      [u, input.buffer, target.buffer, rowLoss.buffer],
      grid1d(n, 64),
    );
    out = reduceRaw(rowLoss, [0], 0, 1 / n);
    rowLoss.dispose();
  }
  if (needsGrad(input)) {
    const saved = pre ? [input, target, pre] : [input, target];
    record(out, what, [input], saved, (g, [x, t, unit]) => {
      if (unit && isUnitSeed(g)) return [unit.view(input.shape)];
      const gx = Tensor.empty(input.shape);
      d.dispatch(
        d.kernel("nll_loss", k, "backward"),
        [u, x!.buffer, t!.buffer, null, g.buffer, gx.buffer],
        grid1d(n, 64),
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
