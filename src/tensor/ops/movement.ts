/**
 * Shape ops: `reshape`/`flatten` (views, no copy), and `transpose`/`permute`/`slice`/`concat`/`pad`
 * (strided copies by `shaders/unary.wgsl`, or for i32 by `shaders/cast.wgsl` as raw words). Each
 * backward is the inverse movement. They keep the dtype; `concat` of mixed dtypes gives f32.
 *
 * WGSL: `shaders/unary.wgsl`, `shaders/cast.wgsl`. CPU twin: `_movement_ref.ts`. Tests:
 * `movement_test.ts`.
 * @module
 */
import { describeArg, intArg, intsArg, tensorArg } from "./_args.ts";
import { device } from "../device.ts";
import { constants } from "../_shaders.ts";
import { needsGrad, record } from "../autograd.ts";
import { sizeOf, Tensor } from "../tensor.ts";
import { contiguousStrides, fmt } from "./_launch.ts";
import { runStrided } from "./_chunk.ts";
import { fill } from "./_accumulate.ts";
import { asFloat, castRaw } from "./cast.ts";

/** A view of `a` with another shape of the same size; one dimension may be -1. */
export function reshape(a: Tensor, shape: readonly number[]): Tensor {
  tensorArg("reshape", "the input", a);
  intsArg("reshape", "shape", shape);
  const s = [...shape];
  const neg = s.indexOf(-1);
  if (neg >= 0) {
    const rest = s.reduce((x, y, i) => (i === neg ? x : x * y), 1);
    s[neg] = rest === 0 ? 0 : a.size / rest;
  }
  if (s.some((d) => !Number.isInteger(d) || d < 0) || sizeOf(s) !== a.size) {
    throw new TypeError(`Cannot reshape ${fmt(a.shape)} (${a.size} elements) to ${fmt(shape)}`);
  }
  const out = a.view(s);
  if (needsGrad(a)) record(out, "reshape", [a], [], (g) => [g.view(a.shape)]);
  return out;
}

/** Flattens dims `startDim..` into one (PyTorch `flatten(start_dim=1)` by default for `Flatten`). */
export function flatten(a: Tensor, startDim = 0): Tensor {
  tensorArg("flatten", "the input", a);
  intArg("flatten", "startDim", startDim);
  const sd = startDim < 0 ? startDim + a.rank : startDim;
  return reshape(a, [...a.shape.slice(0, sd), -1]);
}

/** The copy kernel of `a`'s dtype: f32 through `unary.wgsl`, i32 as raw words through `cast.wgsl`. */
const copyKernel = (a: Tensor) => (a.dtype === "f32" ? "unary" : "cast");

function stridedCopy(a: Tensor, shape: number[], strides: number[], offset = 0): Tensor {
  const d = device();
  const out = Tensor.empty(shape, a.dtype);
  runStrided(
    d.kernel(copyKernel(a), { OP: constants[copyKernel(a)].OP_COPY, CONTIG: 0 }),
    shape,
    [{ buf: a.buffer, strides, offset }],
    out.buffer,
    {
      what: () => `a strided copy of ${fmt(a.shape)} to ${fmt(shape)}`,
      scatter: d.kernel(copyKernel(a), {
        OP: constants[copyKernel(a)].OP_COPY,
        CONTIG: 0,
        SCATTER: 1,
      }),
    },
  );
  return out;
}

/** @internal Writes `src` into `dst` (already allocated) at the window `offset`, `shape`. */
function scatter(src: Tensor, dst: Tensor, offset: number[]): void {
  const d = device();
  const ds = contiguousStrides(dst.shape);
  const off = offset.reduce((acc, o, i) => acc + o * ds[i]!, 0);
  if (src.dtype !== dst.dtype) {
    throw new TypeError(`Cannot scatter ${src.dtype} into ${dst.dtype}`); // callers promote first
  }
  runStrided(
    d.kernel(copyKernel(src), { OP: constants[copyKernel(src)].OP_COPY, CONTIG: 0, SCATTER: 1 }),
    src.shape,
    [{ buf: src.buffer, strides: contiguousStrides(src.shape) }, {
      buf: dst.buffer,
      strides: ds,
      offset: off,
    }],
    null,
    { what: () => `writing ${fmt(src.shape)} into ${fmt(dst.shape)} at ${fmt(offset)}` },
  );
}

/** Reorders dimensions: `out.shape[i] = a.shape[dims[i]]`. */
export function permute(a: Tensor, dims: readonly number[]): Tensor {
  tensorArg("permute", "the input", a);
  intsArg("permute", "dims", dims);
  const r = a.rank;
  const ds = dims.map((x) => (x < 0 ? x + r : x));
  if (ds.length !== r || new Set(ds).size !== r || ds.some((x) => x < 0 || x >= r)) {
    throw new TypeError(
      `Cannot permute ${fmt(a.shape)} by ${fmt(dims)}: expected a permutation of 0..${r - 1}`,
    );
  }
  const cs = contiguousStrides(a.shape);
  const out = stridedCopy(a, ds.map((x) => a.shape[x]!), ds.map((x) => cs[x]!));
  if (needsGrad(a)) {
    const inv = new Array<number>(r);
    ds.forEach((x, i) => (inv[x] = i));
    record(out, "permute", [a], [], (g) => [permute(g, inv)]);
  }
  return out;
}

/** Swaps two dimensions (the last two by default). */
export function transpose(a: Tensor, d0 = -2, d1 = -1): Tensor {
  tensorArg("transpose", "the input", a);
  intArg("transpose", "d0", d0);
  intArg("transpose", "d1", d1);
  const p = [...Array(a.rank).keys()];
  const i = d0 < 0 ? d0 + a.rank : d0, j = d1 < 0 ? d1 + a.rank : d1;
  [p[i], p[j]] = [p[j]!, p[i]!];
  return permute(a, p);
}

/** Slices `[start, end)` along each dimension (missing entries keep the whole dimension). */
export function slice(a: Tensor, starts: readonly number[], ends?: readonly number[]): Tensor {
  tensorArg("slice", "the input", a);
  intsArg("slice", "starts", starts);
  if (ends !== undefined) intsArg("slice", "ends", ends);
  const st = a.shape.map((d, i) => {
    const s = starts[i] ?? 0;
    return s < 0 ? s + d : s;
  });
  const en = a.shape.map((d, i) => {
    const e = ends?.[i] ?? d;
    return e < 0 ? e + d : Math.min(e, d);
  });
  if (st.some((s, i) => s < 0 || s > en[i]!)) {
    throw new RangeError(
      `Cannot slice ${fmt(a.shape)} from ${fmt(starts)} to ${fmt(ends ?? a.shape)}`,
    );
  }
  const shape = st.map((s, i) => en[i]! - s);
  const cs = contiguousStrides(a.shape);
  const off = st.reduce((acc, s, i) => acc + s * cs[i]!, 0);
  const out = stridedCopy(a, shape, cs, off);
  if (needsGrad(a)) {
    record(out, "slice", [a], [], (g) => {
      const z = fill(a.shape, 0);
      scatter(g, z, st);
      return [z];
    });
  }
  return out;
}

/** Concatenates tensors along `axis`; all other dimensions must match. */
export function concat(ts: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(ts as unknown)) {
    throw new TypeError(`Cannot concat: expected an array of Tensors, got ${describeArg(ts)}`);
  }
  ts.forEach((t, i) => tensorArg("concat", `tensor ${i}`, t));
  intArg("concat", "axis", axis);
  if (ts.length === 0) throw new TypeError("Cannot concat an empty list of tensors");
  if (ts.some((t) => t.dtype !== ts[0]!.dtype)) {
    // PyTorch promotes mixed dtypes (i32 with f32 gives f32).
    const fs = ts.map(asFloat);
    try {
      return concat(fs, axis);
    } finally {
      fs.forEach((t, i) => t !== ts[i] && t.dispose());
    }
  }
  const first = ts[0]!;
  const ax = axis < 0 ? axis + first.rank : axis;
  for (const t of ts) {
    if (t.rank !== first.rank || t.shape.some((d, i) => i !== ax && d !== first.shape[i])) {
      throw new TypeError(
        `Cannot concat ${fmt(first.shape)} and ${fmt(t.shape)} along axis ${axis}`,
      );
    }
  }
  const shape = [...first.shape];
  shape[ax] = ts.reduce((s, t) => s + t.shape[ax]!, 0);
  const out = Tensor.empty(shape, first.dtype);
  const offsets: number[] = [];
  let o = 0;
  for (const t of ts) {
    offsets.push(o);
    const off = shape.map((_, i) => (i === ax ? o : 0));
    scatter(t, out, off);
    o += t.shape[ax]!;
  }
  if (needsGrad(...ts)) {
    record(out, "concat", ts, [], (g) =>
      ts.map((t, k) => {
        if (!t.requiresGrad) return null;
        const s = shape.map((_, i) => (i === ax ? offsets[k]! : 0));
        const e = shape.map((d, i) => (i === ax ? offsets[k]! + t.shape[ax]! : d));
        return sliceRaw(g, s, e);
      }));
  }
  return out;
}

function sliceRaw(a: Tensor, st: number[], en: number[]): Tensor {
  const cs = contiguousStrides(a.shape);
  const off = st.reduce((acc, s, i) => acc + s * cs[i]!, 0);
  return stridedCopy(a, st.map((s, i) => en[i]! - s), cs, off);
}

/**
 * Zero-pads: `padding[i] = [before, after]` for dimension i (missing dims unpadded).
 *
 * @example Usage
 * ```ts
 * import { init, randn } from "../mod.ts";
 * await init();
 * const x = randn([1, 3, 4, 4]);
 * const y = pad(x, [[0, 0], [0, 0], [1, 1], [1, 1]]); // NCHW, one pixel around: [1,3,6,6]
 * ```
 */
export function pad(a: Tensor, padding: readonly (readonly [number, number])[], value = 0): Tensor {
  tensorArg("pad", "the input", a);
  const p = a.shape.map((_, i) => padding[i] ?? [0, 0]);
  if (p.some(([x, y]) => !Number.isInteger(x) || !Number.isInteger(y) || x < 0 || y < 0)) {
    throw new RangeError(
      `Cannot pad ${fmt(a.shape)} by ${JSON.stringify(padding)}: expected non-negative integers`,
    );
  }
  const shape = a.shape.map((d, i) => d + p[i]![0] + p[i]![1]);
  let out = fill(shape, value);
  if (a.dtype !== "f32") {
    const f = out;
    out = castRaw(f, a.dtype);
    f.dispose();
  }
  scatter(a, out, p.map(([x]) => x));
  if (needsGrad(a)) {
    record(
      out,
      "pad",
      [a],
      [],
      (g) => [sliceRaw(g, p.map(([x]) => x), p.map(([x], i) => x + a.shape[i]!))],
    );
  }
  return out;
}
