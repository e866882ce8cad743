/**
 * Private test helpers.
 * @module
 */

import assert from "node:assert/strict";

/** Asserts `|a - b| <= tol * max(1, |b|)`, element-wise for arrays. */
export function close(
  actual: number | ArrayLike<number>,
  expected: number | ArrayLike<number>,
  tol = 1e-12,
  msg = "",
): void {
  if (typeof expected === "number") {
    assert.equal(typeof actual, "number", `${msg}: expected a number, got ${String(actual)}`);
    const a = actual as number;
    assert.ok(
      Math.abs(a - expected) <= tol * Math.max(1, Math.abs(expected)),
      `${msg}: expected ${expected}, got ${a}`,
    );
    return;
  }
  assert.notEqual(typeof actual, "number", `${msg}: expected an array, got ${String(actual)}`);
  const a = actual as ArrayLike<number>;
  assert.equal(a.length, expected.length, `${msg}: length`);
  for (let i = 0; i < a.length; i++) close(a[i]!, expected[i]!, tol, `${msg}[${i}]`);
}
