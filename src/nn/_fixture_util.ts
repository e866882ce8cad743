/**
 * Helpers of the nn and optim tests (and the cross-module ones in `tests/`): PyTorch fixtures and closeness checks that name the worst
 * element. Tests only.
 * @module
 */

// The fixture readers are the engine's test helpers; nn and optim tests share them.
export { type FixtureTensor, fromFixture, loadFixture } from "../tensor/_test_util.ts";

/** Worst error of `actual` against `expected`: max |a-e| and max |a-e| / max(|e|, floor). */
export function errors(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  floor = 1e-3,
): { abs: number; rel: number; at: number } {
  let abs = 0, rel = 0, at = -1;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!);
    const r = d / Math.max(Math.abs(expected[i]!), floor);
    if (!(d <= abs)) abs = d;
    if (!(r <= rel)) {
      rel = r;
      at = i;
    }
  }
  return { abs, rel, at };
}

/** Largest |value|. */
export function maxAbs(v: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]!));
  return m;
}

/**
 * Throws unless every element satisfies `|a - e| <= rtol * max(|e|, floor)`. The default floor is the
 * tensor's largest |e| (a norm-wise relative error: float32 results cannot be compared element by element
 * near 0), with 1e-6 as the smallest scale.
 */
export function assertRel(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  rtol: number,
  what: string,
  floor = Math.max(maxAbs(expected), 1e-6),
): { abs: number; rel: number } {
  if (actual.length !== expected.length) {
    throw new Error(`${what}: ${actual.length} values, expected ${expected.length}`);
  }
  const e = errors(actual, expected, floor);
  if (!(e.rel <= rtol)) {
    throw new Error(
      `${what}: relative error ${e.rel.toExponential(2)} > ${rtol} at [${e.at}] ` +
        `(got ${actual[e.at]}, expected ${expected[e.at]})`,
    );
  }
  return e;
}
