/**
 * Private: the `reduce` family of the tuning table (`../_tune_registry.ts`): how `reduceRaw` launches
 * `shaders/reduce.wgsl`. A reduction's shape class is its output count and reduced length, each
 * rounded up to a power of two, and whether the reduced axes are the trailing ones (`64x1024:last`);
 * the variants are `auto` (today's rule: a workgroup of 256 per output for long reductions into few
 * outputs, else a thread per output in workgroups of 64), `thread64` / `thread256` (entry `main`, a
 * thread per output) and `group256` / `group64` (entry `main_wg`, a tree reduction in workgroup
 * memory per output) and, where the device has the `subgroups` feature, `subgroup`
 * (`shaders/reduce_sg.wgsl`: a workgroup of 256 per output combining in subgroups; elsewhere the
 * candidate is absent, and an imported or forced `subgroup` runs `auto`'s launch).
 *
 * Costs one string and two map lookups per reduction; no GPU work. Trials: `_reduce_trial.ts`.
 * @module
 */
import type { Device } from "../device.ts";
import { defineFamily, isPow2Text, pow2 } from "../_tune_registry.ts";
import { hasSubgroups } from "../_adapter.ts";

/** What a class was first seen with: the input shape and the reduced axes. */
export interface ReduceShape {
  shape: readonly number[];
  axes: readonly number[];
}

/** The variants, the default first. */
export const REDUCE_VARIANTS = [
  "auto",
  "thread64",
  "thread256",
  "group256",
  "group64",
  "subgroup",
] as const;

const KEY = /^(\d+)x(\d+)(:last)?$/;

/** The reduction family. */
export const REDUCE = defineFamily<ReduceShape>(
  "reduce",
  REDUCE_VARIANTS,
  (s) => {
    const m = KEY.exec(s);
    return m !== null && isPow2Text(m[1]!) && isPow2Text(m[2]!);
  },
  "outputs x reduced length, powers of two, like 64x1024:last",
);

/** How a reduction is launched: the entry point and its invocations per workgroup. */
export interface ReduceLaunch {
  /** `main_wg` (a workgroup per output) or `main` (a thread per output). */
  group: boolean;
  /** Invocations per workgroup (the shader's `WG`). */
  wg: number;
  /** The subgroup kernel (`shaders/reduce_sg.wgsl`, a workgroup per output). */
  sg?: boolean;
}

/** Today's rule, the `auto` variant. */
export function autoLaunch(outSize: number, rsize: number): ReduceLaunch {
  return rsize >= 256 && outSize <= 4096 ? { group: true, wg: 256 } : { group: false, wg: 64 };
}

/**
 * The launch of `variant` for a reduction of `rsize` elements into each of `outSize` outputs
 * (`subgroup` only where `sg`, the device's `subgroups` feature, else `auto`'s).
 */
export function variantLaunch(v: string, outSize: number, rsize: number, sg = false): ReduceLaunch {
  switch (v) {
    case "subgroup":
      return sg ? { group: true, wg: 256, sg: true } : autoLaunch(outSize, rsize);
    case "thread64":
      return { group: false, wg: 64 };
    case "thread256":
      return { group: false, wg: 256 };
    case "group256":
      return { group: true, wg: 256 };
    case "group64":
      return { group: true, wg: 64 };
    default:
      return autoLaunch(outSize, rsize);
  }
}

/** Whether `axes` (sorted) are the trailing axes of a rank-`rank` shape. */
const trailing = (axes: readonly number[], rank: number) =>
  axes.length > 0 && axes[0] === rank - axes.length;

/**
 * The launch of a reduction on `d`: the tuned variant of its class, else `auto`'s after recording
 * the class with its shape and axes.
 */
export function reduceLaunch(
  d: Device,
  shape: readonly number[],
  axes: readonly number[],
  outSize: number,
  rsize: number,
): ReduceLaunch {
  const key = `${pow2(outSize)}x${pow2(rsize)}${trailing(axes, shape.length) ? ":last" : ""}`;
  const v = REDUCE.choose(d, key);
  if (v !== undefined) return variantLaunch(v, outSize, rsize, v === "subgroup" && hasSubgroups(d));
  if (REDUCE.wants(key)) REDUCE.note(key, { shape: [...shape], axes: [...axes] });
  return autoLaunch(outSize, rsize);
}
