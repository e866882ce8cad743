/**
 * `softmax` and `logSoftmax` along any dimension (kernels `shaders/softmax.wgsl` and
 * `shaders/softmax_backward.wgsl`), and the losses `crossEntropy` (fused log-softmax + NLL) and
 * `nllLoss` (kernel `shaders/nll_loss.wgsl`), mean-reduced as in PyTorch.
 * @module
 */
import { intArg, tensorArg, tensorsArg } from "./_args.ts";
import { device } from "../device.ts";
import { needsGrad, record } from "../autograd.ts";
import { Tensor } from "../tensor.ts";
import { floatOnly } from "./_dtype.ts";
import { fmt, grid1d } from "./_launch.ts";
import { reduceRaw } from "./reduce.ts";
import { isUnitSeed } from "./_accumulate.ts";
import { fitsWhole } from "./_chunk.ts";
import { forRowSlabs } from "./_slabs.ts";

/**
 * Dispatches a row kernel (softmax, its backward, the loss rows) over `n` threads, or, when a buffer is
 * too big for one binding, over slabs of the `outer` rows (`u32` uniform `[outer, ...rest]`).
 */
function rowDispatch(
  entry: {
    name: "softmax" | "softmax_backward" | "nll_loss";
    k: Record<string, number>;
    e?: string;
  },
  p: Uint32Array,
  ins: { t: Tensor | null; rowElems: number }[],
  outs: { t: Tensor; rowElems: number }[],
  order: (ins: (Tensor | null)[], outs: Tensor[]) => (Tensor | null)[],
  threadsPerRow: number,
  what: string,
): void {
  const d = device();
  const kernel = d.kernel(entry.name, entry.k, entry.e);
  const rows = p[0]!;
  const real = ins.filter((o) => o.t) as { t: Tensor; rowElems: number }[];
  if (fitsWhole(...real.map((o) => o.t.buffer), ...outs.map((o) => o.t.buffer))) {
    const bufs = order(ins.map((o) => o.t), outs.map((o) => o.t)).map((t) => t?.buffer ?? null);
    d.dispatch(
      kernel,
      [d.uniform(p.buffer), ...bufs],
      grid1d(rows * threadsPerRow, 64),
      () => what,
    );
    return;
  }
  const shapeOf = (k: number, n: number) => {
    const o = k < real.length ? real[k]! : outs[k - real.length]!;
    return [n * o.rowElems];
  };
  forRowSlabs(rows, real, outs, shapeOf, (si, so) => {
    const q = Uint32Array.from(p);
    q[0] = si[0]!.size / real[0]!.rowElems;
    let j = 0;
    const sIns = ins.map((o) => (o.t ? si[j++]! : null));
    const bufs = order(sIns, so).map((t) => t?.buffer ?? null);
    d.dispatch(
      kernel,
      [d.uniform(q.buffer), ...bufs],
      grid1d(q[0]! * threadsPerRow, 64),
      () => what,
    );
  }, what);
}

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
  tensorArg(log ? "logSoftmax" : "softmax", "the input", a);
  intArg(log ? "logSoftmax" : "softmax", "dim", dim);
  floatOnly(log ? "logSoftmax" : "softmax", [a]);
  const p = rows(a, dim);
  const out = Tensor.empty(a.shape);
  const row = p[1]! * p[2]!;
  const name = `${log ? "logSoftmax" : "softmax"} of ${fmt(a.shape)}`;
  rowDispatch(
    { name: "softmax", k: { LOG: log ? 1 : 0 } },
    p,
    [{ t: a, rowElems: row }],
    [{ t: out, rowElems: row }],
    (i, o) => [...i, ...o],
    p[2]!,
    name,
  );
  if (needsGrad(a)) {
    record(out, log ? "log_softmax" : "softmax", [a], [out], (g, [y]) => {
      const gx = Tensor.empty(a.shape);
      rowDispatch(
        { name: "softmax_backward", k: { LOG: log ? 1 : 0 } },
        p,
        [{ t: y!, rowElems: row }, { t: g, rowElems: row }],
        [{ t: gx, rowElems: row }],
        (i, o) => [...i, ...o],
        p[2]!,
        `the backward of ${name}`,
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
  tensorsArg(fromLogits ? "crossEntropy" : "nllLoss", { input, target });
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
  const fits = fitsWhole(input.buffer);
  const name = `${what} of ${fmt(input.shape)}`;
  if (n <= 4096 && fits && needsGrad(input)) {
    out = Tensor.empty([]);
    pre = Tensor.empty(input.shape);
    d.dispatch(
      d.kernel("nll_loss", k, "main_mean_grad"),
      [u, input.buffer, target.buffer, out.buffer, null, pre.buffer],
      [1],
      () => name,
    );
  } else if (n <= 4096 && fits) {
    // One workgroup: row losses and their mean in one dispatch.
    out = Tensor.empty([]);
    d.dispatch(
      d.kernel("nll_loss", k, "main_mean"),
      [u, input.buffer, target.buffer, out.buffer],
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
      (i, o) => [...i, ...o],
      1,
      name,
    );
    out = reduceRaw(rowLoss, [0], 0, 1 / n);
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
        ([x, t, g], [o]) => [x!, t!, null, g!, o!],
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
 * ```ts
 * import { init, randn, tensor } from "../mod.ts";
 * await init();
 * const logits = randn([4, 10]), labels = tensor([1, 0, 9, 3], { dtype: "i32" });
 * const loss = crossEntropy(logits, labels); // shape []
 * ```
 */
export const crossEntropy = (logits: Tensor, target: Tensor): Tensor =>
  nllImpl(logits, target, true);

/** Mean negative log-likelihood of log-probabilities `[batch, classes]` at `i32` targets `[batch]`. */
export const nllLoss = (logProbs: Tensor, target: Tensor): Tensor =>
  nllImpl(logProbs, target, false);
