/**
 * Private: in-memory snapshots of model and optimizer state (a deep copy where every GPU tensor is
 * read back to a CPU typed array) and their restoration. The file format is `_checkpoint.ts`.
 * @module
 */

import { Tensor } from "../tensor/mod.ts";

/** A tensor saved on the CPU. */
export interface SavedTensor {
  /** Tag telling a saved tensor from other saved values. */
  readonly kind: "tensor";
  /** Element type of the tensor. */
  readonly dtype: "f32" | "i32";
  /** Shape of the tensor. */
  readonly shape: readonly number[];
  /** Flat row-major values. */
  readonly data: Float32Array | Int32Array;
}

/** A deep copy of a state dict: tensors as {@linkcode SavedTensor}, the rest copied. */
export type Saved =
  | SavedTensor
  | number
  | string
  | boolean
  | null
  | undefined
  | Float32Array
  | Int32Array
  | Float64Array
  | Saved[]
  | { [key: string]: Saved };

function isSavedTensor(v: unknown): v is SavedTensor {
  return v !== null && typeof v === "object" && (v as SavedTensor).kind === "tensor";
}

/** Deep-copies `value`, reading every tensor back (one readback per tensor). */
export async function capture(value: unknown, depth = 0): Promise<Saved> {
  if (depth > 16) throw new RangeError("Cannot save a state nested more than 16 levels deep");
  if (value instanceof Promise) return capture(await value, depth);
  if (value instanceof Tensor) {
    const data = await value.data();
    return { kind: "tensor", dtype: value.dtype, shape: [...value.shape], data };
  }
  if (value instanceof Float32Array || value instanceof Int32Array) return value.slice();
  if (value instanceof Float64Array) return value.slice();
  if (value instanceof Map) {
    const out: Record<string, Saved> = {};
    for (const [k, v] of value) out[String(k)] = await capture(v, depth + 1);
    return out;
  }
  if (Array.isArray(value)) {
    const out: Saved[] = [];
    for (const v of value) out.push(await capture(v, depth + 1));
    return out;
  }
  if (value !== null && typeof value === "object") {
    const out: Record<string, Saved> = {};
    for (const [k, v] of Object.entries(value)) {
      if (typeof v === "function") continue;
      out[k] = await capture(v, depth + 1);
    }
    return out;
  }
  if (typeof value === "function" || typeof value === "symbol" || typeof value === "bigint") {
    return undefined;
  }
  return value as Saved;
}

/**
 * Writes the saved tensors of `saved` into the live tensors at the same places of `live` (same
 * structure). Returns the number of tensors written; throws a `TypeError` on a mismatch.
 */
export function writeInto(live: unknown, saved: Saved, path = "state"): number {
  if (live instanceof Tensor) {
    if (!isSavedTensor(saved)) {
      throw new TypeError(`Cannot restore ${path}: expected a saved tensor, got ${typeof saved}`);
    }
    if (saved.shape.join() !== live.shape.join()) {
      throw new TypeError(
        `Cannot restore ${path}: saved shape [${saved.shape}] differs from the live [${live.shape}]`,
      );
    }
    live.write(saved.data);
    return 1;
  }
  if (live instanceof Map) {
    let n = 0;
    for (const [k, v] of live) {
      n += writeInto(v, (saved as Record<string, Saved>)?.[String(k)], `${path}.${String(k)}`);
    }
    return n;
  }
  if (live !== null && typeof live === "object" && !ArrayBuffer.isView(live)) {
    if (saved === null || typeof saved !== "object") {
      throw new TypeError(`Cannot restore ${path}: the saved state has no entry there`);
    }
    let n = 0;
    for (const [k, v] of Object.entries(live)) {
      if (v instanceof Tensor || (v !== null && typeof v === "object")) {
        n += writeInto(v, (saved as Record<string, Saved>)[k], `${path}.${k}`);
      }
    }
    return n;
  }
  return 0;
}

/** Rebuilds GPU-free plain values: saved tensors become typed arrays (for `loadStateDict`). */
export function plain(saved: Saved): unknown {
  if (isSavedTensor(saved)) return saved.data.slice();
  if (Array.isArray(saved)) return saved.map(plain);
  if (saved !== null && typeof saved === "object" && !ArrayBuffer.isView(saved)) {
    return Object.fromEntries(Object.entries(saved).map(([k, v]) => [k, plain(v)]));
  }
  return ArrayBuffer.isView(saved) ? (saved as Float32Array).slice() : saved;
}
