/**
 * Creating tensors: from arrays, filled, or seeded random. Values are made on the CPU and uploaded once,
 * so these are for set-up, not for the training loop.
 * @module
 */
import { device } from "./device.ts";
import { checkShape, type DType, sizeOf, Tensor } from "./tensor.ts";
import { hostArray } from "./_host.ts";
import { Rng } from "./_rng.ts";
import { checkDtypeName } from "./ops/_dtype.ts";
import { checkOptionKeys } from "./_options.ts";
import { checkedBytes } from "./_limits.ts";

/** Checks `shape` and that a tensor of it fits the device, before any host or GPU memory is used. */
function checkFits(shape: readonly number[], dtype: DType | undefined): void {
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

function flattenNested(
  v: unknown,
  shape: number[],
  out: number[],
  leaf: { depth: number },
  depth = 0,
): void {
  if (typeof v === "number") {
    if (leaf.depth < 0) leaf.depth = depth;
    else if (leaf.depth !== depth) {
      throw new TypeError(
        `Cannot make a tensor from a ragged array: numbers at depths ${leaf.depth} and ${depth}`,
      );
    }
    out.push(v);
    return;
  }
  if (!Array.isArray(v) && !ArrayBuffer.isView(v)) {
    throw new TypeError(
      `Cannot make a tensor from ${
        describeValue(v)
      }: expected numbers, or (nested) arrays of numbers`,
    );
  }
  if (depth === leaf.depth) {
    throw new TypeError(
      `Cannot make a tensor from a ragged array: an array at depth ${depth}, where numbers were`,
    );
  }
  const a = v as ArrayLike<unknown>;
  if (shape.length <= depth) shape.push(a.length);
  else if (shape[depth] !== a.length) {
    throw new TypeError(
      `Cannot make a tensor from a ragged array: dimension ${depth} has lengths ${
        shape[depth]
      } and ${a.length}`,
    );
  }
  for (let i = 0; i < a.length; i++) flattenNested(a[i], shape, out, leaf, depth + 1);
}

function describeValue(v: unknown): string {
  if (typeof v === "string") return `the string ${JSON.stringify(v.slice(0, 20))}`;
  if (v === null) return "null";
  if (typeof v === "object") return `an object (${Object.prototype.toString.call(v)})`;
  return `a ${typeof v} (${String(v)})`;
}

function checkCreate(opts: CreateOptions, what: string): DType {
  const dtype = opts.dtype ?? "f32";
  checkDtypeName(dtype, what);
  if (opts.requiresGrad !== undefined && typeof opts.requiresGrad !== "boolean") {
    throw new TypeError(
      `Cannot ${what} with requiresGrad ${String(opts.requiresGrad)}: expected a boolean`,
    );
  }
  if (opts.requiresGrad && dtype !== "f32") {
    throw new TypeError(
      `Cannot ${what} an ${dtype} tensor with requiresGrad: only f32 tensors take gradients`,
    );
  }
  return dtype;
}

const CREATE_KEYS = ["dtype", "requiresGrad"] as const;

function finite(v: unknown, name: string, what: string, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== "number" || !Number.isFinite(v)) {
    throw new RangeError(`Cannot ${what} with ${name} ${String(v)}: expected a finite number`);
  }
  return v;
}

/**
 * A tensor from numbers: a nested array, or a flat array (or typed array) with a `shape`.
 *
 * @example Usage
 * ```ts
 * import { init } from "./mod.ts";
 * await init();
 * const a = tensor([[1, 2], [3, 4]]);
 * const b = tensor(new Float32Array(6), { shape: [2, 3] });
 * ```
 */
export function tensor(
  values: Nested | ArrayLike<number>,
  opts: CreateOptions & { shape?: readonly number[] } = {},
): Tensor {
  checkOptionKeys(opts, [...CREATE_KEYS, "shape"], "tensor");
  const dtype = checkCreate(opts, "make a tensor");
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
    flattenNested(values, shape, out, { depth: -1 });
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
  const t = Tensor.empty(shape, dtype);
  if (flat.length > 0) {
    const arr = hostArray(flat, dtype, `make an ${dtype} tensor`);
    device().write(t.buffer, arr);
    t.setHostValues(arr);
  }
  t.requiresGrad = opts.requiresGrad ?? false;
  return t;
}

/** A tensor of `shape` filled with `value`. */
export function full(shape: readonly number[], value: number, opts: CreateOptions = {}): Tensor {
  checkOptionKeys(opts, CREATE_KEYS, "full/zeros/ones");
  checkCreate(opts, "fill a tensor");
  if (typeof value !== "number") {
    throw new TypeError(`Cannot fill a tensor with ${describeValue(value)}: expected a number`);
  }
  checkFits(shape, opts.dtype);
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

function checkRandom(opts: RandomOptions, what: string): void {
  if (checkCreate(opts, what) !== "f32") {
    throw new TypeError(`Cannot ${what} with dtype ${opts.dtype}: random values are f32`);
  }
  if (opts.seed !== undefined && !Number.isSafeInteger(opts.seed)) {
    throw new RangeError(`Cannot ${what} with seed ${String(opts.seed)}: expected an integer`);
  }
}

/** Uniform values in `[low, high)` from a seed. */
export function rand(
  shape: readonly number[],
  opts: RandomOptions & { low?: number; high?: number } = {},
): Tensor {
  checkOptionKeys(opts, [...CREATE_KEYS, "seed", "low", "high"], "rand");
  checkRandom(opts, "rand");
  checkFits(shape, "f32");
  const rng = new Rng(opts.seed ?? 0);
  const lo = finite(opts.low, "low", "rand", 0), hi = finite(opts.high, "high", "rand", 1);
  if (lo > hi) {
    throw new RangeError(`Cannot rand with low ${lo} > high ${hi}: expected low <= high`);
  }
  const arr = new Float32Array(sizeOf(shape));
  for (let i = 0; i < arr.length; i++) arr[i] = lo + (hi - lo) * rng.next();
  return tensor(arr, { shape, dtype: "f32", requiresGrad: opts.requiresGrad });
}

/** Normal values with `mean` and `std` from a seed. */
export function randn(
  shape: readonly number[],
  opts: RandomOptions & { mean?: number; std?: number } = {},
): Tensor {
  checkOptionKeys(opts, [...CREATE_KEYS, "seed", "mean", "std"], "randn");
  checkRandom(opts, "randn");
  checkFits(shape, "f32");
  const rng = new Rng(opts.seed ?? 0);
  const m = finite(opts.mean, "mean", "randn", 0), s = finite(opts.std, "std", "randn", 1);
  if (s < 0) throw new RangeError(`Cannot randn with std ${s}: expected std >= 0`);
  const arr = new Float32Array(sizeOf(shape));
  for (let i = 0; i < arr.length; i++) arr[i] = m + s * rng.normal();
  return tensor(arr, { shape, dtype: "f32", requiresGrad: opts.requiresGrad });
}
