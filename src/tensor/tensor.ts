/**
 * `Tensor`: a contiguous, row-major f32 (or i32) array in a GPU buffer, with its shape and its place in the
 * autograd graph. Reading back is explicit and async (`await t.data()`); memory is released by `dispose()`,
 * `using`, or `tidy()`. Ops live in `ops/`; the methods here are thin aliases of them.
 * @module
 */
import { device, type PooledBuffer } from "./device.ts";
import type { Node } from "./autograd.ts";
import { track } from "./scope.ts";
import { recordCreated, recordDisposed } from "./leaks.ts";
import { maybeTrim } from "./memory.ts";
import { INSPECT, JUPYTER_DISPLAY, tensorDisplayHook, tensorSummary } from "./_display.ts";
import { hostArray } from "./_host.ts";
import { runStrided } from "./ops/_chunk.ts";
import { checkedBytes } from "./_limits.ts";

/** Element type of a tensor: `f32` for data, `i32` for labels and indices. */
export type DType = "f32" | "i32";

/** Shared, refcounted GPU storage of one or more tensor views. */
export class Storage {
  /** The pooled GPU buffer; returned to the pool when the last reference is released. */
  readonly buf: PooledBuffer;
  /**
   * @internal Smallest and largest value, when the host wrote all of them (i32 tensors, see
   * `Tensor.hostRange`); shared by the views of this storage.
   */
  hostRange: { min: number; max: number } | null = null;
  #refs = 1;
  /** Wraps `buf` with a reference count of 1. */
  constructor(buf: PooledBuffer) {
    this.buf = buf;
  }
  /** Adds a reference (another view shares this storage); returns `this`. */
  retain(): this {
    this.#refs++;
    return this;
  }
  /** Drops a reference; the last one returns the buffer to the device's pool. */
  release(): void {
    if (--this.#refs !== 0) return;
    const d = device();
    d.pool.release(this.buf);
    maybeTrim(d); // past the high-water mark, idle buffers go back to the device
  }
}

/** Storage borrowed from another tensor's buffer (a slab of it): releasing it returns nothing. */
class BorrowedStorage extends Storage {
  override release(): void {}
}

let nextId = 1;

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
    recordDisposed(this.id);
    this.#storage.release();
    this.#storage = null;
    this.#grad?.dispose();
    this.grad = null;
  }

  /** Calls {@linkcode Tensor.dispose} (for `using`). */
  [Symbol.dispose](): void {
    this.dispose();
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
    d.kernel("unary", { OP: 17, CONTIG: 1 }),
    [t.size],
    [{
      buf: d.dummy,
      strides: [0],
    }],
    t.buffer,
    { s0: value, contig: true, what: () => `filling [${t.shape}]` },
  );
}
