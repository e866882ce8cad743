/**
 * `Tensor`: a contiguous, row-major f32 (or i32) array in a GPU buffer, with its shape and its place in the
 * autograd graph. Reading back is explicit and async (`await t.data()`); memory is released by `dispose()`,
 * `using`, or `tidy()`. Ops live in `ops/`; the methods here are thin aliases of them, defined on the
 * class (importing this file alone gives working methods).
 * @module
 */
import { device, type PooledBuffer } from "./device.ts";
import { constants } from "./_shaders.ts";
import type { Node } from "./autograd.ts";
import * as autograd from "./autograd.ts";
import * as ew from "./ops/elementwise.ts";
import type { Operand } from "./ops/elementwise.ts";
import * as red from "./ops/reduce.ts";
import type { ReduceOptions } from "./ops/reduce.ts";
import * as mv from "./ops/movement.ts";
import * as mm from "./ops/matmul.ts";
import type { MatmulOptions } from "./ops/matmul.ts";
import * as sm from "./ops/softmax.ts";
import * as cast from "./ops/cast.ts";
import { track } from "./scope.ts";
import { recordCreated, recordDisposed } from "./leaks.ts";
import { BorrowedStorage, Storage } from "./_storage.ts";
import { INSPECT, JUPYTER_DISPLAY, tensorDisplayHook, tensorSummary } from "./_display.ts";
import { hostArray } from "./_host.ts";
import { runStrided } from "./ops/_chunk.ts";
import { checkedBytes } from "./_limits.ts";

/** Element type of a tensor: `f32` for data, `i32` for labels and indices. */
export type DType = "f32" | "i32";
export { Storage };

let nextId = 1;
let disposeHook: ((t: Tensor) => void) | null = null;
/** @internal Sets the function `dispose()` calls first (`_fusion.ts`: inputs of a deferred op). */
export function setDisposeHook(f: ((t: Tensor) => void) | null): void {
  disposeHook = f;
}

/** Number of elements of `shape`. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Checks that `shape` is a list of non-negative integers; throws a `TypeError` naming it otherwise. */
export function checkShape(shape: readonly number[], what = "shape"): void {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new TypeError(
      `Cannot use ${what} ${JSON.stringify(shape)}: expected an array of non-negative integers`,
    );
  }
}

/** A GPU tensor. Create one with `tensor()`, `zeros()`, `randn()`... after `await init()`. */
export class Tensor {
  /** Unique, increasing identifier of this tensor (the autograd graph keys on it). */
  readonly id: number = nextId++;
  /** Dimensions, outermost first; `[]` for a scalar. */
  readonly shape: readonly number[];
  /** Element type. */
  readonly dtype: DType;
  /** Number of elements (the product of `shape`). */
  readonly size: number;
  /** Whether gradients flow to this tensor. */
  requiresGrad: boolean;
  #grad: Tensor | null = null;
  /** The buffer of #grad holds stale values that are logically zero (see `zeroGradLazy`). */
  #gradZero = false;
  /** @internal The autograd node that produced this tensor. */
  node: Node | null = null;
  #storage: Storage | null;

  /**
   * @internal The smallest and largest value of an `i32` tensor whose values came from the host
   * (`tensor()`, `write()`), known without a readback; `null` when a kernel wrote them. The losses
   * use it to reject out-of-range labels at once.
   */
  get hostRange(): { min: number; max: number } | null {
    return this.#storage?.hostRange ?? null;
  }

  /** @internal Records the host-known range of `values` (i32 tensors only). */
  setHostValues(values: ArrayLike<number>): void {
    if (this.dtype !== "i32") return;
    this.buffer; // throws after dispose()
    let min = Infinity, max = -Infinity;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    this.#storage!.hostRange = values.length ? { min, max } : null;
  }

  /**
   * The accumulated gradient of a leaf tensor after `backward()`. After an optimizer's `zeroGrad()`
   * it reads as zeros (filled on first access when no `backward()` wrote it since).
   */
  get grad(): Tensor | null {
    if (this.#gradZero) {
      this.#gradZero = false;
      fillInPlace(this.#grad!, 0);
    }
    return this.#grad;
  }

  set grad(g: Tensor | null) {
    this.#grad = g;
    this.#gradZero = false;
  }

  /**
   * @internal Marks the gradient as zero WITHOUT touching the GPU: the next `backward()` writes it
   * instead of accumulating into it, and reading `.grad` before that fills it with zeros.
   */
  zeroGradLazy(): void {
    if (this.#grad) this.#gradZero = true;
  }

  /** @internal The gradient buffer as is, and whether it is logically zero (no fill happens). */
  gradState(): { grad: Tensor | null; zero: boolean } {
    return { grad: this.#grad, zero: this.#gradZero };
  }

  /** @internal Marks the gradient as holding real values (it was just written in place). */
  gradWritten(): void {
    this.#gradZero = false;
  }

  /** @internal Use the creation functions instead. */
  constructor(
    storage: Storage,
    shape: readonly number[],
    dtype: DType = "f32",
    requiresGrad = false,
  ) {
    this.#storage = storage;
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    this.size = sizeOf(shape);
    this.requiresGrad = requiresGrad;
    track(this);
    recordCreated(this);
  }

  /**
   * @internal A new, empty tensor of `shape` in a pooled buffer; throws a `RangeError` naming the shape,
   * its bytes and the limit, before any GPU work, when it is bigger than the device's `maxBufferSize`.
   */
  static empty(shape: readonly number[], dtype: DType = "f32"): Tensor {
    const d = device();
    const bytes = checkedBytes(shape, dtype, d.limits);
    const buf = d.pool.acquire(bytes, () => `a [${shape}] ${dtype} tensor`);
    return new Tensor(new Storage(buf), shape, dtype);
  }

  /**
   * @internal A tensor over `buf`, a slice of another tensor's buffer, that does not own it: the caller
   * keeps the owner alive while this is used (ops split into slabs use it within one call).
   */
  static borrow(buf: PooledBuffer, shape: readonly number[], dtype: DType = "f32"): Tensor {
    return new Tensor(new BorrowedStorage(buf), shape, dtype);
  }

  /** @internal The GPU buffer; throws a `ReferenceError` after `dispose()`. */
  get buffer(): PooledBuffer {
    if (!this.#storage) {
      throw new ReferenceError(`Cannot use tensor #${this.id} [${this.shape}]: it was disposed`);
    }
    return this.#storage.buf;
  }

  /** Whether `dispose()` was called. */
  get disposed(): boolean {
    return this.#storage === null;
  }

  /** Rank (number of dimensions). */
  get rank(): number {
    return this.shape.length;
  }

  /** @internal A new tensor object sharing this storage, with another shape of the same size. */
  view(shape: readonly number[]): Tensor {
    const s = this.#storage;
    if (!s) this.buffer; // throws
    return new Tensor(s!.retain(), shape, this.dtype);
  }

  /** Reads the values back to the CPU (waits for the GPU). */
  async data(): Promise<Float32Array | Int32Array> {
    const bytes = await device().read(this.buffer, 0, this.size * 4);
    return this.dtype === "i32" ? new Int32Array(bytes) : new Float32Array(bytes);
  }

  /** Reads the values back as a nested array (waits for the GPU). */
  async array(): Promise<unknown> {
    const flat = Array.from(await this.data());
    const build = (dim: number, off: number): unknown => {
      if (dim === this.shape.length) return flat[off];
      const stride = sizeOf(this.shape.slice(dim + 1));
      return Array.from({ length: this.shape[dim]! }, (_, i) => build(dim + 1, off + i * stride));
    };
    return build(0, 0);
  }

  /** Reads back the single value of a one-element tensor. */
  async item(): Promise<number> {
    if (this.size !== 1) {
      throw new TypeError(
        `Cannot read item() of a tensor of shape [${this.shape}]: expected 1 element`,
      );
    }
    return (await this.data())[0]!;
  }

  /** Overwrites the values from the CPU (same element count), after all work recorded so far. */
  write(values: ArrayLike<number>): this {
    if (values.length !== this.size) {
      throw new TypeError(
        `Cannot write ${values.length} values into a tensor of shape [${this.shape}] (${this.size} elements)`,
      );
    }
    const arr = hostArray(values, this.dtype, `write into an ${this.dtype} tensor`);
    device().write(this.buffer, arr);
    this.setHostValues(arr);
    return this;
  }

  /** Releases the GPU memory (and the gradient). Safe to call twice. */
  dispose(): void {
    if (!this.#storage) return;
    disposeHook?.(this);
    recordDisposed(this.id);
    this.#storage.release();
    this.#storage = null;
    this.#grad?.dispose();
    this.grad = null;
  }

  /** @internal A new reference to this tensor's storage (a deferred result adopts its op's). */
  retainStorage(): Storage {
    this.buffer; // throws after dispose()
    return this.#storage!.retain();
  }

  /** Calls {@linkcode Tensor.dispose} (for `using`). */
  [Symbol.dispose](): void {
    this.dispose();
  }

  // Method aliases of the common ops (`x.matmul(w).add(b).relu()`), each calling the functional op of
  // the same name. The op modules import this one; the namespaces below are read only when a method
  // runs, so the import cycle is harmless and importing `tensor.ts` alone gives working methods.

  /** `this + b` (see `add`). */
  add(b: Operand): Tensor {
    return ew.add(this, b);
  }
  /** `this - b` (see `sub`). */
  sub(b: Operand): Tensor {
    return ew.sub(this, b);
  }
  /** `this * b` (see `mul`). */
  mul(b: Operand): Tensor {
    return ew.mul(this, b);
  }
  /** `this / b` (see `div`). */
  div(b: Operand): Tensor {
    return ew.div(this, b);
  }
  /** `this ** b` (see `pow`). */
  pow(b: Operand): Tensor {
    return ew.pow(this, b);
  }
  /** `-this`. */
  neg(): Tensor {
    return ew.neg(this);
  }
  /** `e^this`. */
  exp(): Tensor {
    return ew.exp(this);
  }
  /** Natural logarithm. */
  log(): Tensor {
    return ew.log(this);
  }
  /** Square root. */
  sqrt(): Tensor {
    return ew.sqrt(this);
  }
  /** `max(this, 0)`. */
  relu(): Tensor {
    return ew.relu(this);
  }
  /** The logistic sigmoid. */
  sigmoid(): Tensor {
    return ew.sigmoid(this);
  }
  /** Hyperbolic tangent. */
  tanh(): Tensor {
    return ew.tanh(this);
  }
  /** `|this|`. */
  abs(): Tensor {
    return ew.abs(this);
  }
  /** `this * this`. */
  square(): Tensor {
    return ew.square(this);
  }
  /** Sum over `axes` (all by default; see `sum`). */
  sum(axes?: number | readonly number[], opts?: ReduceOptions): Tensor {
    return red.sum(this, axes, opts);
  }
  /** Mean over `axes` (all by default; see `mean`). */
  mean(axes?: number | readonly number[], opts?: ReduceOptions): Tensor {
    return red.mean(this, axes, opts);
  }
  /** Maximum over `axes` (all by default; see `max`). */
  max(axes?: number | readonly number[], opts?: ReduceOptions): Tensor {
    return red.max(this, axes, opts);
  }
  /** Index of the first maximum along `axis`, as i32 (see `argmax`). */
  argmax(axis?: number, opts?: ReduceOptions): Tensor {
    return red.argmax(this, axis, opts);
  }
  /** Matrix product with `b` (see `matmul`). */
  matmul(b: Tensor, opts?: MatmulOptions): Tensor {
    return mm.matmul(this, b, opts);
  }
  /** The same data in another shape (see `reshape`). */
  reshape(shape: readonly number[]): Tensor {
    return mv.reshape(this, shape);
  }
  /** Dimensions from `startDim` merged into one (see `flatten`). */
  flatten(startDim?: number): Tensor {
    return mv.flatten(this, startDim);
  }
  /** Dimensions `d0` and `d1` swapped (the last two by default; see `transpose`). */
  transpose(d0?: number, d1?: number): Tensor {
    return mv.transpose(this, d0, d1);
  }
  /** Dimensions reordered (see `permute`). */
  permute(dims: readonly number[]): Tensor {
    return mv.permute(this, dims);
  }
  /** Softmax along `dim` (last by default). */
  softmax(dim?: number): Tensor {
    return sm.softmax(this, dim);
  }
  /** Log-softmax along `dim` (last by default). */
  logSoftmax(dim?: number): Tensor {
    return sm.logSoftmax(this, dim);
  }
  /** This tensor converted to f32 (PyTorch `.float()`); see `cast`. */
  float(): Tensor {
    return cast.toFloat(this);
  }
  /** This tensor converted to i32, truncated toward zero (PyTorch `.int()`); see `cast`. */
  int(): Tensor {
    return cast.toInt(this);
  }
  /** Backpropagates from this tensor (a loss), filling `.grad` of the leaves. */
  backward(gradient?: Tensor): void {
    autograd.backward(this, gradient);
  }

  /** `Tensor(<dtype>[<shape>])`, with `, requiresGrad` when set; does not read the values. */
  toString(): string {
    return `Tensor(${this.dtype}[${this.shape}]${this.requiresGrad ? ", requiresGrad" : ""})`;
  }

  /** `console.log(t)`: one line (shape, dtype, device), no readback; see `_display.ts`. */
  [INSPECT](): string {
    return tensorSummary(this);
  }

  /** Jupyter: shape, dtype, device and the first 8 values (one small readback); see `_display.ts`. */
  [JUPYTER_DISPLAY](): Promise<Record<string, string>> {
    return tensorDisplayHook(this);
  }
}

/** @internal `t[:] = value` in place (the fill op of the unary kernel), recorded after prior work. */
export function fillInPlace(t: Tensor, value: number): void {
  if (t.dtype !== "f32") {
    throw new TypeError(`Cannot fill an ${t.dtype} tensor in place: fillInPlace takes f32 tensors`);
  }
  const d = device();
  runStrided(
    d.kernel("unary", { OP: constants.unary.OP_FILL, CONTIG: 1 }),
    [t.size],
    [{ buf: d.dummy, strides: [0] }],
    t.buffer,
    { s0: value, contig: true, what: () => `filling [${t.shape}]` },
  );
}
