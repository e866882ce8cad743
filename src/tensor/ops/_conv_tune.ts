/**
 * Private: the `conv` family of the tuning table (`../_tune_registry.ts`): how `conv2d`'s forward
 * is lowered. Variants: `im2col` (today's: `shaders/im2col.wgsl`, one GEMM per group through
 * `matmulRaw`, `shaders/conv2d_layout.wgsl` to NCHW with the bias) and `direct` / `direct8` /
 * `pixel8` (`shaders/conv2d_direct.wgsl` through `_conv_direct.ts`: NCHW straight from x and W, no
 * im2col matrix; per invocation 4 output channels at 4 pixels, 8 at 4, or 8 at 1 pixel). The backward always lowers through im2col
 * (`conv.ts`). A convolution's shape class is the reduced depth per group (Cin/groups * kh * kw), the
 * output channels per group and the output pixels of the batch (N * Ho * Wo), each rounded up to a
 * power of two, then the stride, and `:g` for grouped convolutions (`32x64x16384:s2x2`).
 *
 * Costs one string and two map lookups per convolution; no GPU work. Trials: `_conv_trial.ts`.
 * @module
 */
import type { Device } from "../device.ts";
import { defineFamily, isPow2Text, pow2 } from "../_tune_registry.ts";
import type { Conv2dOptions, Geo } from "./conv.ts";

/** What a class was first seen with: the operand shapes, the bias, the options and the geometry. */
export interface ConvShape {
  x: readonly number[];
  w: readonly number[];
  bias: boolean;
  opts: Conv2dOptions;
  geo: Geo;
}

/** The variants, the default first. */
export const CONV_VARIANTS = ["im2col", "direct", "direct8", "pixel8"] as const;

const KEY = /^(\d+)x(\d+)x(\d+):s(\d+)x(\d+)(:g)?$/;

/** The convolution family. */
export const CONV = defineFamily<ConvShape>(
  "conv",
  CONV_VARIANTS,
  (s) => {
    const m = KEY.exec(s);
    return m !== null && [1, 2, 3].every((i) => isPow2Text(m[i]!)) &&
      [4, 5].every((i) => /^[1-9]\d*$/.test(m[i]!));
  },
  "depth x channels x pixels, powers of two, then the stride, like 32x64x16384:s2x2 (:g if grouped)",
);

/** Output channels per invocation of a direct variant. */
export const cpiOf = (v: string): number => v === "direct" ? 4 : 8;

/** Output pixels per invocation of a direct variant. */
export const pxOf = (v: string): number => v === "pixel8" ? 1 : 4;

/** The class key of `g`. */
export function convClass(g: Geo): string {
  const k = (g.c / g.groups) * g.kh * g.kw, co = g.co / g.groups;
  return `${pow2(k)}x${pow2(co)}x${pow2(g.n * g.ho * g.wo)}:s${g.s[0]}x${g.s[1]}` +
    (g.groups > 1 ? ":g" : "");
}

/** Invocations per workgroup of the direct kernel. */
export const DIRECT_WG = 64;

/** Whether the direct kernel's grid for `g` at `cpi` channels per invocation fits 65535 a dimension. */
export function directFits(g: Geo, cpi: number, px = 4): boolean {
  const quads = g.ho * Math.ceil(g.wo / px);
  const blocks = g.groups * Math.ceil(g.co / g.groups / cpi);
  return Math.ceil(quads / DIRECT_WG) <= 65535 && blocks <= 65535 && g.n <= 65535;
}

/**
 * The lowering of a convolution of geometry `g` on `d`: the tuned (or forced) variant of its class,
 * else `im2col` after recording the class with `shape()`; a direct variant whose grid would not fit
 * runs `im2col`.
 */
export function convVariant(d: Device, g: Geo, shape: () => ConvShape): string {
  const key = convClass(g);
  const v = CONV.choose(d, key);
  if (v !== undefined) return v === "im2col" || directFits(g, cpiOf(v), pxOf(v)) ? v : "im2col";
  if (CONV.wants(key)) CONV.note(key, shape());
  return "im2col";
}
