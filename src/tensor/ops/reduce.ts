/**
 * Reductions over any set of axes (`sum`, `mean`, `max`, `min`, `argmax`), broadcasting copies (`expand`)
 * and `sumTo`, the reduction that undoes a broadcast in backward passes. Kernels: `shaders/reduce.wgsl`
 * (a thread per output, or a workgroup per output for long reductions: the autotuner's `reduce`
 * family, `_reduce_tune.ts`, may choose otherwise per class) and `shaders/argmax.wgsl`.
 *
 * WGSL: `shaders/reduce.wgsl`, `shaders/reduce_sg.wgsl`, `shaders/argmax.wgsl`. CPU twin: `_reduce_ref.ts`. Tests:
 * `reduce_test.ts`.
 * @module
 */
import { axesArg, intArg, intsArg, tensorArg } from "./_args.ts";
import { checkOptions } from "../../_options.ts";
import { REDUCE_SPEC } from "./_specs.ts";
import { device } from "../device.ts";
import { constants, layouts } from "../_shaders.ts";
import { packUniform } from "../_uniform.ts";
import { needsGrad, record } from "../autograd.ts";
import { Tensor } from "../tensor.ts";
import { floatOnly } from "./_dtype.ts";
import { B, binaryRaw, U, unaryRaw } from "./elementwise.ts";
import { broadcastStrides, contiguousStrides, fmt, grid1d } from "./_launch.ts";
import { fitsWhole, runStrided } from "./_chunk.ts";
import { forRowSlabs, rowRanges, slabOf } from "./_slabs.ts";
import { reduceLaunch } from "./_reduce_tune.ts";

/** Options of the reductions. */
export interface ReduceOptions {
  /** Keep reduced axes as size-1 dimensions. @default {false} */
  keepDim?: boolean;
}

/** Normalises `axes` (negative allowed; undefined = all) against `rank`; throws a `RangeError`. */
export function normAxes(
  axes: number | readonly number[] | undefined,
  shape: readonly number[],
): number[] {
  const rank = shape.length;
  if (axes === undefined) return [...Array(rank).keys()];
  const list = typeof axes === "number" ? [axes] : [...axes];
  const out = list.map((a) => {
    if (!Number.isInteger(a) || a < -rank || a >= rank) {
      throw new RangeError(
        `Cannot reduce axis ${a} of a tensor of shape ${fmt(shape)}: rank is ${rank}`,
      );
    }
    return a < 0 ? a + rank : a;
  });
  return [...new Set(out)].sort((x, y) => x - y);
}

function reduceParams(
  shape: readonly number[],
  axes: number[],
  scale: number,
): { p: ArrayBuffer; outSize: number; rsize: number } {
  const strides = contiguousStrides(shape);
  const kept = shape.map((_, i) => i).filter((i) => !axes.includes(i));
  let outSize = 1;
  for (const i of kept) outSize *= shape[i]!;
  let rsize = 1;
  for (const i of axes) rsize *= shape[i]!;
  const p = packUniform(layouts.reduce_index.Params, {
    numel: outSize,
    rank: kept.length,
    rrank: axes.length,
    rsize,
    scale,
    shape: kept.map((i) => shape[i]!),
    sa: kept.map((i) => strides[i]!),
    rshape: axes.map((i) => shape[i]!),
    rstride: axes.map((i) => strides[i]!),
  });
  return { p, outSize, rsize };
}

function outShape(shape: readonly number[], axes: number[], keepDim: boolean): number[] {
  return keepDim
    ? shape.map((d, i) => (axes.includes(i) ? 1 : d))
    : shape.filter((_, i) => !axes.includes(i));
}

/** `OP` numbers of `shaders/reduce.wgsl` (generated from its `const OP_*`). */
export const R = {
  sum: constants.reduce.OP_SUM,
  max: constants.reduce.OP_MAX,
  min: constants.reduce.OP_MIN,
} as const;

/**
 * @internal Reduction kernel without graph: op `R.sum` (times scale), `R.max`, `R.min`; written into `into`
 * (as many elements as the result) when given.
 */
export function reduceRaw(
  a: Tensor,
  axes: number[],
  op: number,
  scale = 1,
  keepDim = false,
  into?: Tensor,
): Tensor {
  floatOnly("reduce", [a, into]);
  const d = device();
  const { p, outSize, rsize } = reduceParams(a.shape, axes, scale);
  if (into && into.size !== outSize) {
    throw new TypeError(`Cannot reduce into ${into.size} elements: the result has ${outSize}`);
  }
  const out = into ?? Tensor.empty(outShape(a.shape, axes, keepDim));
  if (!fitsWhole(a.buffer, out.buffer)) {
    reduceSplit(a, axes, op, scale, out);
    return out;
  }
  const l = reduceLaunch(d, a.shape, axes, outSize, rsize);
  const c: Record<string, number> = l.wg === 256 ? { OP: op } : { OP: op, WG: l.wg };
  d.dispatch(
    l.sg ? d.kernel("reduce_sg", c) : d.kernel("reduce", c, l.group ? "main_wg" : "main"),
    { P: d.uniform(p), a: a.buffer, out: out.buffer },
    grid1d(outSize, l.group ? 1 : l.wg),
    () => `reduction ${op} of ${fmt(a.shape)} over ${fmt(axes)}`,
  );
  return out;
}

/**
 * A reduction whose input or output is bigger than one binding, over slabs of the leading dimension
 * (each slab reduced by `reduceRaw`, which splits a slab further when one row is still too big): the
 * partial results are combined when dimension 0 is reduced, else copied into their rows of `out`.
 */
function reduceSplit(a: Tensor, axes: number[], op: number, scale: number, out: Tensor): void {
  const d = device();
  const [n0, ...rest] = a.shape as number[];
  const rowElems = rest.reduce((x, y) => x * y, 1);
  const over0 = axes.includes(0);
  const outRow = over0 ? 0 : out.size / n0!;
  const whole = rowElems * 4 <= d.maxBinding;
  const what = `reduction ${op} of ${fmt(a.shape)} over ${fmt(axes)}`;
  const ranges = whole
    ? rowRanges(n0!, [rowElems, outRow], what)
    : Array.from({ length: n0! }, (_, r) => [r, r + 1] as [number, number]);
  const slabAxes = whole ? axes : axes.filter((x) => x > 0).map((x) => x - 1);
  let acc: Tensor | null = null;
  for (const [r0, r1] of ranges) {
    const slab = slabOf({ t: a, rowElems }, r0, r1, whole ? [r1 - r0, ...rest] : rest);
    const part = reduceRaw(slab, slabAxes, op, scale);
    slab.dispose();
    if (over0) {
      if (!acc) acc = part;
      else {
        const next = binaryRaw(acc, part, op === R.sum ? B.add : op === R.max ? B.max : B.min);
        acc.dispose();
        part.dispose();
        acc = next;
      }
    } else {
      const o = out.buffer.offset ?? 0, po = part.buffer.offset ?? 0;
      d.copy(part.buffer, po, out.buffer, o + r0 * outRow * 4, part.size * 4);
      part.dispose();
    }
  }
  if (acc) {
    d.copy(acc.buffer, acc.buffer.offset ?? 0, out.buffer, out.buffer.offset ?? 0, out.size * 4);
    acc.dispose();
  }
}

/** @internal Broadcasting copy of `a` to `shape` without graph. */
export function expandRaw(a: Tensor, shape: readonly number[]): Tensor {
  const d = device();
  const out = Tensor.empty(shape, a.dtype);
  const copy = a.dtype === "f32" ? "unary" : "cast";
  runStrided(
    d.kernel(copy, { OP: constants[copy].OP_COPY, CONTIG: 0 }),
    shape,
    [{ buf: a.buffer, strides: broadcastStrides(a.shape, shape) }],
    out.buffer,
    { what: () => `expanding ${fmt(a.shape)} to ${fmt(shape)}` },
  );
  return out;
}

/** Sums `g` down to `shape` (the inverse of broadcasting `shape` up to `g.shape`). */
export function sumTo(g: Tensor, shape: readonly number[]): Tensor {
  floatOnly("sumTo", [g]);
  if (g.shape.join() === shape.join()) return g;
  const k = g.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.rank; i++) {
    if (i < k || (shape[i - k] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  const r = axes.length ? reduceRaw(g, axes, R.sum) : g;
  return r.shape.join() === shape.join() ? r : r.view(shape);
}

/** Broadcasts `a` to `shape` (a copy); the gradient sums back. */
export function expand(a: Tensor, shape: readonly number[]): Tensor {
  tensorArg("expand", "the input", a);
  intsArg("expand", "shape", shape);
  const out = expandRaw(a, shape);
  if (needsGrad(a)) record(out, "expand", [a], [], (g) => [sumTo(g, a.shape)]);
  return out;
}

/**
 * Sum over `axes` (all when omitted).
 *
 * @example Usage
 * ```ts
 * import { init, tensor } from "../mod.ts";
 * await init();
 * const x = tensor([[1, 2], [3, 4], [5, 6]]);
 * const s = sum(x, 1, { keepDim: true }); // [n, 1]
 * await s.data(); // Float32Array [3, 7, 11]
 * ```
 */
export function sum(
  a: Tensor,
  axes?: number | readonly number[],
  opts: ReduceOptions = {},
): Tensor {
  return sumScaled(a, axes, opts, 1, "sum");
}

/** Mean over `axes` (all when omitted). */
export function mean(
  a: Tensor,
  axes?: number | readonly number[],
  opts: ReduceOptions = {},
): Tensor {
  tensorArg("mean", "the input", a);
  axesArg("mean", "axes", axes);
  floatOnly("mean", [a]);
  const ax = normAxes(axes, a.shape);
  let n = 1;
  for (const i of ax) n *= a.shape[i]!;
  return sumScaled(a, ax, opts, 1 / n, "mean");
}

function sumScaled(
  a: Tensor,
  axes: number | readonly number[] | undefined,
  opts: ReduceOptions,
  scale: number,
  name: string,
): Tensor {
  tensorArg(name, "the input", a);
  axesArg(name, "axes", axes);
  checkOptions(name, opts, REDUCE_SPEC);
  floatOnly(name, [a]);
  const ax = normAxes(axes, a.shape);
  const out = reduceRaw(a, ax, R.sum, scale, opts.keepDim ?? false);
  if (needsGrad(a)) {
    const keepShape = outShape(a.shape, ax, true);
    record(out, name, [a], [], (g) => {
      const gk = g.view(keepShape);
      const e = expandRaw(gk, a.shape);
      return [scale === 1 ? e : unaryRaw(e, U.mulS, scale)];
    });
  }
  return out;
}

/** max/min/argmax have no identity: reducing an empty extent is a RangeError, as in PyTorch. */
function nonEmpty(a: Tensor, axes: number[], name: string): void {
  const empty = axes.filter((i) => a.shape[i] === 0);
  if (empty.length === 0 && !(axes.length === 0 && a.size === 0)) return;
  throw new RangeError(
    `Cannot take ${name} of a tensor of shape ${fmt(a.shape)} over ${
      axes.length === a.rank ? "all axes" : `axes [${axes}]`
    }: the reduced extent is empty (axis ${
      empty[0] ?? 0
    } has size 0), and ${name} of nothing is undefined`,
  );
}

function extreme(
  a: Tensor,
  axes: number | readonly number[] | undefined,
  opts: ReduceOptions,
  op: number,
  name: string,
): Tensor {
  tensorArg(name, "the input", a);
  axesArg(name, "axes", axes);
  checkOptions(name, opts, REDUCE_SPEC);
  floatOnly(name, [a]);
  const ax = normAxes(axes, a.shape);
  nonEmpty(a, ax, name);
  const out = reduceRaw(a, ax, op, 1, opts.keepDim ?? false);
  if (needsGrad(a)) {
    const keepShape = outShape(a.shape, ax, true);
    record(out, name, [a], [a, out], (g, [x, y]) => {
      // The gradient flows to every position equal to the extreme value.
      const mask = binaryRaw(x!, y!.view(keepShape), B.eq);
      return [binaryRaw(mask, g.view(keepShape), B.mul)];
    });
  }
  return out;
}

/** Maximum over `axes` (all when omitted). */
export const max = (
  a: Tensor,
  axes?: number | readonly number[],
  opts: ReduceOptions = {},
): Tensor => extreme(a, axes, opts, R.max, "max");
/** Minimum over `axes` (all when omitted). */
export const min = (
  a: Tensor,
  axes?: number | readonly number[],
  opts: ReduceOptions = {},
): Tensor => extreme(a, axes, opts, R.min, "min");

/** Index of the first maximum along `axis` (an `i32` tensor; no gradient). */
export function argmax(a: Tensor, axis = -1, opts: ReduceOptions = {}): Tensor {
  tensorArg("argmax", "the input", a);
  intArg("argmax", "axis", axis);
  checkOptions("argmax", opts, REDUCE_SPEC);
  floatOnly("argmax", [a]);
  const ax = normAxes(axis, a.shape);
  nonEmpty(a, ax, "argmax");
  const d = device();
  const { p, outSize } = reduceParams(a.shape, ax, 1);
  const out = Tensor.empty(outShape(a.shape, ax, opts.keepDim ?? false), "i32");
  const what = `argmax of ${fmt(a.shape)} along ${ax[0]}`;
  if (!fitsWhole(a.buffer, out.buffer) && ax[0] !== 0) {
    // Rows of dimension 0 are independent: one argmax per slab of them.
    const [n0, ...rest] = a.shape as number[];
    forRowSlabs(
      n0!,
      [{ t: a, rowElems: a.size / n0! }],
      [{ t: out, rowElems: out.size / n0! }],
      (k, n) => (k === 0 ? [n, ...rest] : [n * (out.size / n0!)]),
      ([x], [y]) => {
        const q = reduceParams(x!.shape, ax, 1);
        d.dispatch(
          d.kernel("argmax", { WG: 64 }),
          { P: d.uniform(q.p), a: x!.buffer, out: y!.buffer },
          grid1d(q.outSize, 64),
          () => what,
        );
      },
      what,
    );
    return out;
  }
  d.dispatch(
    d.kernel("argmax", { WG: 64 }),
    { P: d.uniform(p), a: a.buffer, out: out.buffer },
    grid1d(outSize, 64),
    () => what,
  );
  return out;
}
