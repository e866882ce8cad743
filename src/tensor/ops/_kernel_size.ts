/**
 * Private: a kernel size as PyTorch takes it (one number for both axes, or `[h, w]`), checked: a
 * `TypeError` for anything else (an options object where a size was expected, a string), a
 * `RangeError` for sizes that are not positive integers. Used by the pooling ops and the conv/pool
 * layers.
 * @module
 */

/** `v` as `[h, w]`; `what` names the caller in the messages. */
export function kernelSizeOf(v: unknown, what: string): [number, number] {
  const ok = typeof v === "number" ||
    (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === "number"));
  if (!ok) {
    throw new TypeError(
      `Cannot ${what} with kernelSize ${show(v)}: expected a number or a pair [h, w] of numbers`,
    );
  }
  const p: [number, number] = typeof v === "number" ? [v, v] : [v[0]!, v[1]!];
  if (!p.every((x) => Number.isInteger(x) && x >= 1)) {
    throw new RangeError(
      `Cannot ${what} with kernelSize ${show(v)}: expected integers >= 1`,
    );
  }
  return p;
}

function show(v: unknown): string {
  try {
    return typeof v === "string" ? JSON.stringify(v) : JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
