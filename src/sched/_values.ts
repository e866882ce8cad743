/**
 * Private helpers: validate, normalise and combine scalar-or-per-group values.
 * @module
 */

import type { GroupValues } from "./types.ts";

/** A normalised value: a scalar, or a per-group `Float64Array` (always a private copy). */
export type Vec = number | Float64Array;

/** Formats any value for an error message (arrays as `[a, b]`, strings quoted). */
export function show(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (v instanceof Float64Array || v instanceof Float32Array) {
    return `[${Array.from(v).join(", ")}]`;
  }
  if (Array.isArray(v)) return `[${v.map(show).join(", ")}]`;
  if (v !== null && typeof v === "object") {
    try {
      return JSON.stringify(v);
    } catch {
      return String(v);
    }
  }
  return String(v);
}

/** Whether `v` is a scalar or a per-group array (not a `{ start, end }` object). */
export function isGroupValues(v: unknown): v is GroupValues {
  return typeof v === "number" || Array.isArray(v) || v instanceof Float64Array ||
    v instanceof Float32Array;
}

/** Bounds accepted by {@linkcode toVec}. */
export interface Bounds {
  /** Inclusive lower bound. */
  min?: number;
  /** Exclusive lower bound. */
  above?: number;
  /** Exclusive upper bound. */
  below?: number;
}

function describeBounds(b: Bounds): string {
  const parts: string[] = [];
  if (b.min !== undefined) parts.push(`>= ${b.min}`);
  if (b.above !== undefined) parts.push(`> ${b.above}`);
  if (b.below !== undefined) parts.push(`< ${b.below}`);
  return parts.length ? `finite values ${parts.join(" and ")}` : "finite values";
}

function inBounds(x: number, b: Bounds): boolean {
  return Number.isFinite(x) && (b.min === undefined || x >= b.min) &&
    (b.above === undefined || x > b.above) && (b.below === undefined || x < b.below);
}

/**
 * Checks a scalar or per-group array and returns it normalised (arrays copied to `Float64Array`).
 * Throws a `TypeError` for a wrong type or an empty array, a `RangeError` for an out-of-range value.
 */
export function toVec(v: unknown, what: string, b: Bounds = {}): Vec {
  if (typeof v === "number") {
    if (!inBounds(v, b)) {
      throw new RangeError(`Cannot use ${what}: expected ${describeBounds(b)}, got ${v}`);
    }
    return v;
  }
  if (!isGroupValues(v)) {
    throw new TypeError(
      `Cannot use ${what}: expected a number or an array of numbers (one per layer group), got ${
        show(v)
      }`,
    );
  }
  const arr = v as ArrayLike<unknown>;
  if (arr.length === 0) {
    throw new TypeError(`Cannot use ${what}: expected at least one value, got an empty array`);
  }
  const out = new Float64Array(arr.length);
  for (let i = 0; i < arr.length; i++) {
    const x = arr[i];
    if (typeof x !== "number") {
      throw new TypeError(`Cannot use ${what}: expected numbers, got ${show(x)} at index ${i}`);
    }
    if (!inBounds(x, b)) {
      throw new RangeError(
        `Cannot use ${what}: expected ${describeBounds(b)}, got ${x} at index ${i} of ${show(v)}`,
      );
    }
    out[i] = x;
  }
  return out;
}

/** Length of a per-group value, or `undefined` for a scalar. */
export function lengthOf(v: Vec): number | undefined {
  return typeof v === "number" ? undefined : v.length;
}

/** The numbers `zipWith` hands its function: one per value, as a tuple of the same length. */
type Numbers<T extends readonly Vec[]> = { -readonly [K in keyof T]: number };

/** Applies `f` element-wise, broadcasting scalars; array lengths must match. */
export function zipWith<const T extends readonly Vec[]>(
  vs: T,
  f: (xs: Numbers<T>) => number,
  what: string,
): Vec {
  let n: number | undefined;
  for (const v of vs) {
    const len = lengthOf(v);
    if (len === undefined) continue;
    if (n !== undefined && n !== len) {
      throw new RangeError(
        `Cannot combine ${what}: expected per-group arrays of equal length, got ${n} and ${len}`,
      );
    }
    n = len;
  }
  const at = (v: Vec, i: number) => typeof v === "number" ? v : v[i]!;
  if (n === undefined) return f(vs.map((v) => v as number) as Numbers<T>);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = f(vs.map((v) => at(v, i)) as Numbers<T>);
  return out;
}

/** Expands a value to one number per layer group (a length-1 array broadcasts, like fastai `listify`). */
export function broadcast(v: Vec, groupCount: number, what: string): Float64Array {
  if (typeof v === "number") return new Float64Array(groupCount).fill(v);
  if (v.length === groupCount) return Float64Array.from(v);
  if (v.length === 1) return new Float64Array(groupCount).fill(v[0]!);
  throw new RangeError(
    `Cannot use ${what}: expected 1 or ${groupCount} values (one per layer group), got ${v.length}`,
  );
}

/** Largest element of a value. */
export function maxOf(v: Vec): number {
  return typeof v === "number" ? v : Math.max(...v);
}
