/**
 * Private: the unknown-key check of the creation functions' options objects, naming the nearest
 * known key (`Cannot use option "std_" of randn: unknown (did you mean "std"?)`).
 * @module
 */

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      const cost = a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + cost);
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** Throws a `TypeError` when `opts` is not a plain object or has a key not in `known`. */
export function checkOptionKeys(opts: unknown, known: readonly string[], what: string): void {
  if (opts === undefined) return;
  if (opts === null || typeof opts !== "object" || Array.isArray(opts)) {
    throw new TypeError(
      `Cannot use the options of ${what}: expected an object, got ${String(opts)}`,
    );
  }
  for (const key of Object.keys(opts)) {
    if (known.includes(key)) continue;
    let best = "", bestD = Infinity;
    for (const k of known) {
      const d = distance(key, k);
      if (d < bestD) [best, bestD] = [k, d];
    }
    const hint = bestD <= Math.max(2, Math.floor(key.length / 3))
      ? ` (did you mean "${best}"?)`
      : ` (known options: ${known.join(", ")})`;
    throw new TypeError(`Cannot use option "${key}" of ${what}: unknown${hint}`);
  }
}
