/**
 * Argument checks shared by the plot functions.
 *
 * @module
 */

/** Throws a `TypeError` unless `data` is an object (the recorded `PlotData`, e.g. `learn.sched`). */
export function checkPlotData(data: unknown, what: string): void {
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw new TypeError(
      `Cannot ${what}: expected the recorded data { iterations, lrs, losses, ... } (e.g. learn.sched), got ${
        data === null ? "null" : Array.isArray(data) ? "an array" : typeof data
      }`,
    );
  }
}

/** Throws a `TypeError` unless `v` is an array (or typed array) of numbers. */
export function checkNumbers(v: unknown, name: string): ArrayLike<number> {
  const ok = Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
  if (!ok) {
    throw new TypeError(`Cannot plot '${name}': expected an array of numbers, got ${typeof v}`);
  }
  const a = v as ArrayLike<unknown>;
  for (let i = 0; i < a.length; i++) {
    if (typeof a[i] !== "number") {
      throw new TypeError(
        `Cannot plot '${name}': expected numbers, got ${typeof a[i]} at index ${i}`,
      );
    }
  }
  return a as ArrayLike<number>;
}

/** Throws a `RangeError` unless `a` and `b` have the same length. */
export function checkSameLength(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  aName: string,
  bName: string,
): void {
  if (a.length !== b.length) {
    throw new RangeError(
      `Cannot plot '${bName}' against '${aName}': expected equal lengths, got ${a.length} and ${b.length}`,
    );
  }
}

/** Throws a `RangeError` unless `v` is an integer >= 0. */
export function checkCount(v: number, name: string): number {
  if (!Number.isInteger(v) || v < 0) {
    throw new RangeError(`Cannot use option '${name}': expected an integer >= 0, got ${v}`);
  }
  return v;
}
