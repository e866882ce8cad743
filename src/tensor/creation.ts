/**
 * Creating tensors: from arrays, filled, or seeded random. Values are made on the CPU and uploaded once,
 * so these are for set-up, not for the training loop.
 * @module
 */
import { device } from "./device.ts";
import { checkShape, type DType, sizeOf, Tensor } from "./tensor.ts";
import { Rng } from "./_rng.ts";
import { checkedBytes } from "./_limits.ts";

/** Checks `shape` and that a tensor of it fits the device, before any host or GPU memory is used. */
function checkCreate(shape: readonly number[], dtype: DType | undefined): void {
  checkShape(shape);
  checkedBytes(shape, dtype ?? "f32", device().limits, "create");
}

/** Options of the creation functions. */
export interface CreateOptions {
  /** Element type. @default {"f32"} */
  dtype?: DType;
  /** Make it a leaf that receives gradients. @default {false} */
  requiresGrad?: boolean;
}

/** A number or an arbitrarily nested (non-ragged) array of numbers, as accepted by {@linkcode tensor}. */
export type Nested = number | readonly Nested[];

function flattenNested(v: Nested, shape: number[], out: number[], depth = 0): void {
  if (typeof v === "number") {
    out.push(v);
    return;
  }
  if (shape.length <= depth) shape.push(v.length);
  else if (shape[depth] !== v.length) {
    throw new TypeError(
      `Cannot make a tensor from a ragged array: dimension ${depth} has lengths ${
        shape[depth]
      } and ${v.length}`,
    );
  }
  for (const x of v) flattenNested(x, shape, out, depth + 1);
}

/**
 * A tensor from numbers: a nested array, or a flat array (or typed array) with a `shape`.
 *
 * @example Usage
 * ```ts ignore
 * const a = tensor([[1, 2], [3, 4]]);
 * const b = tensor(new Float32Array(6), { shape: [2, 3] });
 * ```
 */
export function tensor(
  values: Nested | ArrayLike<number>,
  opts: CreateOptions & { shape?: readonly number[] } = {},
): Tensor {
  let flat: ArrayLike<number>;
  let shape: number[];
  if (typeof values === "number") {
    flat = [values];
    shape = [];
  } else if (
    ArrayBuffer.isView(values) ||
    (Array.isArray(values) && values.every((x) => typeof x === "number"))
  ) {
    flat = values as ArrayLike<number>;
    shape = [flat.length];
  } else {
    const out: number[] = [];
    shape = [];
    flattenNested(values as Nested, shape, out);
    flat = out;
  }
  if (opts.shape) {
    checkShape(opts.shape);
    if (sizeOf(opts.shape) !== flat.length) {
      throw new TypeError(
        `Cannot make a tensor of shape [${opts.shape}] from ${flat.length} values`,
      );
    }
    shape = [...opts.shape];
  }
  const dtype = opts.dtype ?? "f32";
  const t = Tensor.empty(shape, dtype);
  if (flat.length > 0) {
    device().write(t.buffer, dtype === "i32" ? Int32Array.from(flat) : Float32Array.from(flat));
  }
  t.requiresGrad = opts.requiresGrad ?? false;
  return t;
}

/** A tensor of `shape` filled with `value`. */
export function full(shape: readonly number[], value: number, opts: CreateOptions = {}): Tensor {
  checkCreate(shape, opts.dtype);
  const n = sizeOf(shape);
  const arr = opts.dtype === "i32" ? new Int32Array(n) : new Float32Array(n);
  arr.fill(value);
  return tensor(arr, { ...opts, shape });
}

/** Zeros of `shape`. */
export const zeros = (shape: readonly number[], opts: CreateOptions = {}): Tensor =>
  full(shape, 0, opts);
/** Ones of `shape`. */
export const ones = (shape: readonly number[], opts: CreateOptions = {}): Tensor =>
  full(shape, 1, opts);

/** Options of the seeded random creators. */
export interface RandomOptions extends CreateOptions {
  /** Seed of the generator. @default {0} */
  seed?: number;
}

/** Uniform values in `[low, high)` from a seed. */
export function rand(
  shape: readonly number[],
  opts: RandomOptions & { low?: number; high?: number } = {},
): Tensor {
  checkCreate(shape, "f32");
  const rng = new Rng(opts.seed ?? 0);
  const lo = opts.low ?? 0, hi = opts.high ?? 1;
  const arr = new Float32Array(sizeOf(shape));
  for (let i = 0; i < arr.length; i++) arr[i] = lo + (hi - lo) * rng.next();
  return tensor(arr, { ...opts, shape, dtype: "f32" });
}

/** Normal values with `mean` and `std` from a seed. */
export function randn(
  shape: readonly number[],
  opts: RandomOptions & { mean?: number; std?: number } = {},
): Tensor {
  checkCreate(shape, "f32");
  const rng = new Rng(opts.seed ?? 0);
  const m = opts.mean ?? 0, s = opts.std ?? 1;
  const arr = new Float32Array(sizeOf(shape));
  for (let i = 0; i < arr.length; i++) arr[i] = m + s * rng.normal();
  return tensor(arr, { ...opts, shape, dtype: "f32" });
}
