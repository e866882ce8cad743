/**
 * The few kernels autograd itself needs: in-place accumulation (y += x), copies, fills, out-of-place add.
 *
 * WGSL: `shaders/axpy.wgsl`. CPU twin: `_accumulate_ref.ts`. Tests: `accumulate_test.ts`.
 * @module
 */
import { device } from "../device.ts";
import { constants, layouts } from "../_shaders.ts";
import { packUniform } from "../_uniform.ts";
import { Tensor } from "../tensor.ts";
import { untrack } from "../scope.ts";
import { fmt, grid1d } from "./_launch.ts";
import { chunkRanges, fitsWhole, runStrided } from "./_chunk.ts";

const WG = 256;

/** In place: `y = beta * y + alpha * x` (same element count). */
export function axpy(y: Tensor, x: Tensor, alpha = 1, beta = 1): void {
  const d = device();
  const whole = fitsWhole(x.buffer, y.buffer);
  for (const [s, n] of whole ? [[0, y.size]] : chunkRanges(y.size)) {
    const p = packUniform(layouts.axpy.Params, { n: n!, alpha, beta });
    const [xb, yb] = whole
      ? [x.buffer, y.buffer]
      : [x.buffer, y.buffer].map((b) => d.slice(b, s! * 4, n! * 4));
    d.dispatch(
      d.kernel("axpy"),
      { P: d.uniform(p), x: xb!, y: yb! },
      grid1d(n!, WG),
      () => `accumulating ${fmt(x.shape)} into ${fmt(y.shape)}`,
    );
  }
}

/** In place: `y += x`. */
export function accumulate(y: Tensor, x: Tensor): void {
  axpy(y, x, 1, 1);
}

/** @internal Runs the unary kernel with op `op` from `a` (contiguous) into a new tensor. */
export function unaryContig(a: Tensor, op: number, s0 = 0, s1 = 0, shape = a.shape): Tensor {
  const d = device();
  const out = Tensor.empty(shape, a.dtype);
  runStrided(
    d.kernel("unary", { OP: op, CONTIG: 1 }),
    [out.size],
    [{ buf: a.buffer, strides: [1] }],
    out.buffer,
    { s0, s1, contig: true, what: () => `unary op ${op} of ${fmt(a.shape)}` },
  );
  return out;
}

/**
 * In place: `dst[:] = src` (same element count; no graph). A buffer-to-buffer copy, not a kernel: on a
 * software rasteriser a copy is a memcpy, several times cheaper than an elementwise dispatch.
 */
export function copyInto(dst: Tensor, src: Tensor): void {
  const s = src.buffer, t = dst.buffer;
  device().copy(s, s.offset ?? 0, t, t.offset ?? 0, dst.size * 4);
}

let one: Tensor | null = null;

/**
 * A one-element tensor holding 1 (the gradient of a scalar loss) as a view of storage written once,
 * so `backward()` needs no fill dispatch. Read-only: callers must never write into it.
 */
export function onesScalar(shape: readonly number[]): Tensor {
  if (!one || one.disposed) {
    one = untrack(Tensor.empty([1])); // lives for the process, outside any tidy()
    device().write(one.buffer, new Float32Array([1]));
  }
  return one.view(shape);
}

/** Whether `t` is (a view of) the gradient `onesScalar` hands out: `backward(loss)`'s seed. */
export function isUnitSeed(t: Tensor): boolean {
  return one !== null && !one.disposed && t.buffer === one.buffer;
}

/** A contiguous copy of `a` (no graph), by a buffer-to-buffer copy. */
export function copy(a: Tensor): Tensor {
  const out = Tensor.empty(a.shape, a.dtype);
  copyInto(out, a);
  return out;
}

/** A new tensor of `shape` filled with `value` (no graph). */
export function fill(shape: readonly number[], value: number): Tensor {
  const d = device();
  const out = Tensor.empty(shape);
  runStrided(
    d.kernel("unary", { OP: constants.unary.OP_FILL, CONTIG: 1 }),
    [out.size],
    [{ buf: d.dummy, strides: [0] }],
    out.buffer,
    { s0: value, contig: true, what: () => `filling ${fmt(shape)}` },
  );
  return out;
}

/** `a + b` for two tensors of the same shape (no graph). */
export function add(a: Tensor, b: Tensor): Tensor {
  const d = device();
  const out = Tensor.empty(a.shape);
  runStrided(
    d.kernel("binary", { OP: constants.binary.OP_ADD, CONTIG: 1 }),
    [out.size],
    [{ buf: a.buffer, strides: [1] }, { buf: b.buffer, strides: [1] }],
    out.buffer,
    { contig: true, what: () => `adding ${fmt(a.shape)} and ${fmt(b.shape)}` },
  );
  return out;
}
