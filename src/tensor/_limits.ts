/**
 * The device limits tempo works within: the adapter's own limits, optionally lowered by `init()` options
 * (tempo-side caps its chunking obeys, e.g. a small `maxStorageBufferBindingSize` in tests), and the one
 * checked size computation every tensor allocation goes through (a `RangeError` before any GPU work when
 * a tensor cannot exist on this device). It does not split work; the ops do (`ops/_chunk.ts`).
 * @module
 */
import { GpuError } from "./gpu_error.ts";
/** The limits of the device that tempo reads (`device().limits`). */
export interface DeviceLimits {
  /** Largest range of a buffer one storage binding may cover, in bytes. */
  readonly maxStorageBufferBindingSize: number;
  /** Largest buffer, in bytes: no tensor may be bigger. */
  readonly maxBufferSize: number;
  /** Most workgroups of one dispatch along each dimension. */
  readonly maxComputeWorkgroupsPerDimension: number;
  /** Largest width and height of a 2-D texture (the texture matmul path). */
  readonly maxTextureDimension2D: number;
  /** Alignment of a storage binding's offset, in bytes. */
  readonly minStorageBufferOffsetAlignment: number;
}

/** Options of `init()`: caps below the adapter's limits (a cap above the adapter's limit is ignored). */
export interface InitOptions {
  /** Cap on the bytes one storage binding covers; ops split their work to stay under it. */
  maxStorageBufferBindingSize?: number;
  /** Cap on the bytes of one buffer (tensor). */
  maxBufferSize?: number;
  /** Cap on the side of a 2-D texture. */
  maxTextureDimension2D?: number;
  /**
   * Choose matmul kernels by measurement (`setAutotune`): `Learner` fits then time each new shape
   * class once, after the batch that first used it. Off by default, as PyTorch's
   * `torch.backends.cudnn.benchmark`. @default {false}
   */
  autotune?: boolean;
}

const INIT_KEYS = [
  "maxStorageBufferBindingSize",
  "maxBufferSize",
  "maxTextureDimension2D",
  "autotune",
];

/** Checks `init()` options: known keys, positive integers; throws a `TypeError`/`RangeError` otherwise. */
export function checkInitOptions(opts: InitOptions): void {
  if (opts === null || typeof opts !== "object") {
    throw new TypeError(`Cannot use init() options ${String(opts)}: expected an object`);
  }
  for (const [k, v] of Object.entries(opts)) {
    if (!INIT_KEYS.includes(k)) {
      throw new TypeError(
        `Cannot use init() option '${k}': expected one of ${INIT_KEYS.join(", ")}`,
      );
    }
    if (k === "autotune") {
      if (v !== undefined && typeof v !== "boolean") {
        throw new TypeError(`Cannot use init() option autotune = ${String(v)}: expected a boolean`);
      }
      continue;
    }
    if (v !== undefined && (!Number.isSafeInteger(v) || v < 1024)) {
      throw new RangeError(
        `Cannot use init() option ${k} = ${v}: expected an integer of at least 1024 (bytes)`,
      );
    }
  }
}

/** The limits tempo uses: the adapter's, each lowered to the cap in `opts` when one is given. */
export function resolveLimits(adapter: GPUSupportedLimits, opts: InitOptions = {}): DeviceLimits {
  const cap = (a: number, c?: number) => (c === undefined ? a : Math.min(a, c));
  return Object.freeze({
    maxStorageBufferBindingSize: cap(
      adapter.maxStorageBufferBindingSize,
      opts.maxStorageBufferBindingSize,
    ),
    maxBufferSize: cap(adapter.maxBufferSize, opts.maxBufferSize),
    maxComputeWorkgroupsPerDimension: adapter.maxComputeWorkgroupsPerDimension,
    maxTextureDimension2D: cap(adapter.maxTextureDimension2D, opts.maxTextureDimension2D),
    minStorageBufferOffsetAlignment: adapter.minStorageBufferOffsetAlignment,
  });
}

/**
 * The largest pool bucket size at most `limit`: a tensor whose bytes fit the binding limit then also has
 * a pool buffer that fits it, so a whole-buffer binding is safe exactly when the tensor's bytes fit.
 */
export function bucketFloor(limit: number): number {
  let p = 256;
  while (p * 2 <= limit) p *= 2;
  return p * 1.5 <= limit ? p * 1.5 : p;
}

/**
 * Throws a `GpuError` naming the op (`what`, else the kernel) when a binding of `sizes` bytes or the
 * grid `workgroups` exceeds `limits`.
 */
export function checkFits(
  limits: DeviceLimits,
  kernel: string,
  sizes: number[],
  workgroups: [number, number?, number?],
  what?: () => string,
): void {
  const op = () => (what ? `${what()} (kernel '${kernel}')` : `kernel '${kernel}'`);
  sizes.forEach((size, i) => {
    if (size > limits.maxStorageBufferBindingSize) {
      throw new GpuError(
        `Cannot run ${op()}: binding ${i} would cover ${fmtBytes(size)}, over the device's ` +
          `maxStorageBufferBindingSize of ${fmtLimit(limits.maxStorageBufferBindingSize)}`,
      );
    }
  });
  const g = limits.maxComputeWorkgroupsPerDimension;
  if (workgroups[0] > g || (workgroups[1] ?? 1) > g || (workgroups[2] ?? 1) > g) {
    throw new GpuError(
      `Cannot run ${op()}: its grid [${workgroups}] exceeds the device's ` +
        `maxComputeWorkgroupsPerDimension of ${g}`,
    );
  }
}

/** `bytes` as text: `25.6 GB`, `144 MB`, `512 B`. */
export function fmtBytes(bytes: number): string {
  if (bytes >= 1e9) return `${+(bytes / 1e9).toPrecision(3)} GB`;
  if (bytes >= 1e6) return `${+(bytes / 1e6).toPrecision(3)} MB`;
  if (bytes >= 1e3) return `${+(bytes / 1e3).toPrecision(3)} kB`;
  return `${bytes} B`;
}

/** A limit in bytes as text, in binary units when it is a round one: `2 GiB`, `1 MiB`. */
export function fmtLimit(bytes: number): string {
  for (const [u, s] of [[2 ** 30, "GiB"], [2 ** 20, "MiB"], [2 ** 10, "KiB"]] as const) {
    if (bytes >= u && bytes % u === 0) return `${bytes / u} ${s}`;
  }
  return `${bytes} bytes (${fmtBytes(bytes)})`;
}

/**
 * The bytes of a tensor of `shape` (4-byte elements), checked against `limits.maxBufferSize`: throws a
 * `RangeError` naming the shape, its bytes and the limit when it cannot exist on this device.
 */
export function checkedBytes(
  shape: readonly number[],
  dtype: string,
  limits: DeviceLimits,
  what = "allocate",
): number {
  let n = 1;
  for (const d of shape) n *= d;
  const bytes = n * 4;
  if (!Number.isSafeInteger(bytes)) {
    throw new RangeError(
      `Cannot ${what} a [${shape}] ${dtype} tensor: its element count ${n} is not a safe integer`,
    );
  }
  if (bytes > limits.maxBufferSize) {
    throw new RangeError(
      `Cannot ${what} a [${shape}] ${dtype} tensor (${fmtBytes(bytes)}): the device's ` +
        `maxBufferSize is ${fmtLimit(limits.maxBufferSize)}`,
    );
  }
  return Math.max(4, bytes);
}
