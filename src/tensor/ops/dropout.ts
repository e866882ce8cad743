/**
 * `dropout`: inverted dropout with a counter-based hash RNG in WGSL (`shaders/dropout.wgsl`). Nothing
 * is stored for backward: the gradient goes through the same kernel with the same key, which reproduces
 * the forward mask exactly.
 *
 * WGSL: `shaders/dropout.wgsl`. CPU twin: `_dropout_ref.ts`. Tests: `dropout_test.ts`.
 * @module
 */
import { tensorArg } from "./_args.ts";
import { checkOptions, requireOptions } from "../../_options.ts";
import { DROPOUT_SPEC } from "./_specs.ts";
import { device } from "../device.ts";
import { layouts } from "../_shaders.ts";
import { packUniform } from "../_uniform.ts";
import { needsGrad, record } from "../autograd.ts";
import { Tensor } from "../tensor.ts";
import { floatOnly } from "./_dtype.ts";
import { grid1d } from "./_launch.ts";
import { chunkRanges, fitsWhole } from "./_chunk.ts";

const WG = 256;

/** Options of {@linkcode dropout}. */
export interface DropoutOptions {
  /** Probability of zeroing an element, in [0, 1]. @default {0.5} */
  p?: number;
  /** Drop only in training; the identity otherwise. */
  training: boolean;
  /** Seed of the mask stream (a per-call counter makes successive calls differ). @default random */
  seed?: number;
}

/** The PCG hash of `shaders/dropout.wgsl`, on the CPU. */
function pcg(v: number): number {
  const state = (Math.imul(v >>> 0, 747796405) + 2891336453) >>> 0;
  const word = Math.imul(((state >>> ((state >>> 28) + 4)) ^ state) >>> 0, 277803737) >>> 0;
  return ((word >>> 22) ^ word) >>> 0;
}

const defaultSeed = (Math.random() * 2 ** 32) >>> 0;
let counter = 0;

/** The key of the next call with `seed` (advances the per-call counter). */
function nextKey(seed: number): number {
  return pcg((seed >>> 0) ^ pcg(counter++ >>> 0));
}

/** @internal Runs the dropout kernel with `key` on `a` (no graph). */
export function dropoutRaw(a: Tensor, key: number, p: number): Tensor {
  floatOnly("dropout", [a]);
  const d = device();
  const out = Tensor.empty(a.shape);
  const whole = fitsWhole(a.buffer, out.buffer);
  for (const [s, n] of whole ? [[0, a.size]] : chunkRanges(a.size)) {
    const buf = packUniform(layouts.dropout.Params, {
      n: n!,
      key,
      threshold: p >= 1 ? 0xffffffff : Math.round(p * 2 ** 32),
      scale: p >= 1 ? 0 : 1 / (1 - p),
      base: s!,
    });
    const [x, y] = whole
      ? [a.buffer, out.buffer]
      : [a.buffer, out.buffer].map((b) => d.slice(b, s! * 4, n! * 4));
    d.dispatch(
      d.kernel("dropout"),
      { P: d.uniform(buf), x: x!, y: y! },
      grid1d(n!, WG),
      () => `dropout of [${a.shape}]`,
    );
  }
  return out;
}

/**
 * Inverted dropout: in training each element is zeroed with probability `p` and the rest are scaled by
 * `1 / (1 - p)`; the gradient uses the same mask. The identity (the input itself) when not training or
 * `p` is 0.
 *
 * @example Usage
 * ```ts
 * import { init, ones } from "../mod.ts";
 * await init();
 * const x = ones([4, 8]);
 * const h = dropout(x, { p: 0.25, training: true, seed: 42 }); // kept values scaled by 1 / 0.75
 * ```
 * @throws {RangeError} When `p` is outside [0, 1].
 */
export function dropout(x: Tensor, opts: DropoutOptions): Tensor {
  tensorArg("dropout", "the input", x);
  checkOptions("dropout", opts ?? null, DROPOUT_SPEC);
  requireOptions("dropout", opts, ["training"]);
  floatOnly("dropout", [x]);
  const p = opts.p ?? 0.5;
  if (!(p >= 0 && p <= 1)) {
    throw new RangeError(`Cannot use dropout probability ${p}: expected a number in [0, 1]`);
  }
  if (!opts.training || p === 0) return x;
  const key = nextKey(opts.seed ?? defaultSeed);
  const y = dropoutRaw(x, key, p);
  if (needsGrad(x)) record(y, "dropout", [x], [], (g) => [dropoutRaw(g, key, p)]);
  return y;
}
