/**
 * `softmax` and `logSoftmax` along any dimension (the losses built on them are in `losses.ts`).
 *
 * WGSL: `shaders/softmax.wgsl`, `shaders/softmax_backward.wgsl`. CPU twin: `_softmax_ref.ts`.
 * Tests: `softmax_test.ts`.
 * @module
 */
import { intArg, tensorArg } from "./_args.ts";
import { needsGrad, record } from "../autograd.ts";
import { Tensor } from "../tensor.ts";
import { floatOnly } from "./_dtype.ts";
import { fmt } from "./_launch.ts";
import { rowDispatch } from "./_rows.ts";

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
    ([x], [y]) => ({ x: x!, y: y! }),
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
        ([y, g], [gx]) => ({ y: y!, g: g!, gx: gx! }),
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
