/**
 * Test helpers shared by the engine's tests: closeness assertions that report the worst element,
 * PyTorch fixtures, and a central-finite-difference gradient check. Not part of the public API.
 * @module
 */
import { init } from "./device.ts";
import { tensor } from "./creation.ts";
import type { Tensor } from "./tensor.ts";
import { backward, noGrad } from "./autograd.ts";
import { tidy } from "./scope.ts";
import { mul } from "./ops/elementwise.ts";
import { sum } from "./ops/reduce.ts";
import { concat, reshape } from "./ops/movement.ts";
import { Rng } from "./_rng.ts";

/** A tensor as stored in `fixtures/*.json`. */
export interface FixtureTensor {
  shape: number[];
  data: number[];
  dtype?: "int32";
}

/** Reads `fixtures/<name>.json` (tests only). */
export async function loadFixture<T = Record<string, unknown>>(name: string): Promise<T> {
  const url = new URL(`../../fixtures/${name}.json`, import.meta.url);
  return JSON.parse(await Deno.readTextFile(url)) as T;
}

/** A GPU tensor from a fixture tensor. */
export function fromFixture(t: FixtureTensor, requiresGrad = false): Tensor {
  return tensor(t.data, {
    shape: t.shape,
    dtype: t.dtype === "int32" ? "i32" : "f32",
    requiresGrad,
  });
}

/** Throws when `actual` and `expected` differ by more than `atol + rtol * |expected|` anywhere. */
export function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  opts: { rtol?: number; atol?: number; what?: string } = {},
): void {
  const rtol = opts.rtol ?? 1e-4, atol = opts.atol ?? 1e-5;
  if (actual.length !== expected.length) {
    throw new Error(
      `${opts.what ?? "values"}: length ${actual.length} vs expected ${expected.length}`,
    );
  }
  let worst = -1, worstErr = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!, e = expected[i]!;
    const err = Math.abs(a - e) - (atol + rtol * Math.abs(e));
    if (!(err <= 0) && (worst < 0 || err > worstErr || Number.isNaN(err))) {
      worst = i;
      worstErr = err;
    }
  }
  if (worst >= 0) {
    throw new Error(
      `${opts.what ?? "values"} differ at ${worst}: got ${actual[worst]}, expected ${
        expected[worst]
      } ` +
        `(maxdiff over tolerance ${worstErr}, rtol ${rtol}, atol ${atol})`,
    );
  }
}

/** The device for tests; fails (never skips) when no adapter exists. */
export const testDevice = () => init();

/** Seeded random Float32Array. */
export function randArray(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const r = new Rng(seed);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * r.next());
}

/**
 * Checks the gradients of `f` at `inputs` against central finite differences of
 * `sum(f(x) * r)` for a random `r`, in float32 (so tolerances are loose).
 */
export async function gradCheck(
  f: (xs: Tensor[]) => Tensor,
  inputs: { shape: number[]; data: Float32Array }[],
  opts: { eps?: number; rtol?: number; atol?: number; what?: string } = {},
): Promise<void> {
  const eps = opts.eps ?? 1e-2;
  const xs = inputs.map((i) => tensor(i.data, { shape: i.shape, requiresGrad: true }));
  const out0 = noGrad(() => f(xs));
  const r = tensor(randArray(out0.size, 99), { shape: out0.shape as number[] });
  out0.dispose();
  const loss = tidy(() => sum(mul(f(xs), r)));
  backward(loss);
  loss.dispose();
  for (let k = 0; k < inputs.length; k++) {
    const analytic = await xs[k]!.grad!.data();
    const base = inputs[k]!.data;
    const evals = noGrad(() =>
      tidy(() => {
        const vals: Tensor[] = [];
        for (let i = 0; i < base.length; i++) {
          for (const sgn of [1, -1]) {
            const d = Float32Array.from(base);
            d[i]! += sgn * eps;
            const ins = xs.map((x, j) => j === k ? tensor(d, { shape: inputs[k]!.shape }) : x);
            vals.push(reshape(sum(mul(f(ins), r)), [1]));
          }
        }
        return concat(vals, 0);
      })
    );
    const v = await evals.data();
    evals.dispose();
    const numeric = Float32Array.from(
      { length: base.length },
      (_, i) => (v[2 * i]! - v[2 * i + 1]!) / (2 * eps),
    );
    assertClose(analytic, numeric, {
      rtol: opts.rtol ?? 2e-2,
      atol: opts.atol ?? 2e-2,
      what: `${opts.what ?? "gradient"} of input ${k}`,
    });
  }
  for (const x of xs) x.dispose();
  r.dispose();
}
