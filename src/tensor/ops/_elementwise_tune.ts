/**
 * Private: the `elementwise` family of the tuning table (`../_tune_registry.ts`): the launch of the
 * unary, binary (contiguous, broadcast, vec4) and `where` kernels. A dispatch's shape class is its
 * kernel kind and its element count rounded up to a power of two (`vec4:4096`, `strided:65536`);
 * the variants are the workgroup size (`wg256`, today's, `wg128`, `wg64`: the shaders' `WG`
 * override) and, for same-shape binary ops that run as vec4, `scalar` (one element per invocation).
 *
 * Costs one string and two map lookups per dispatch; no GPU work. Trials: `_elementwise_trial.ts`.
 * @module
 */
import type { Device } from "../device.ts";
import { defineFamily, isPow2Text, pow2 } from "../_tune_registry.ts";

/** The elementwise kernel kinds tuned: contiguous unary/binary, broadcast binary, vec4, where. */
export type EwKind = "unary" | "binary" | "strided" | "vec4" | "where";

/** What a class was first seen with: the kind, and the operand and output shapes. */
export interface EwShape {
  kind: EwKind;
  /** Operand shapes (one for unary, two for binary, cond, a, b for where). */
  shapes: readonly (readonly number[])[];
}

/** The variants, the default first. */
export const EW_VARIANTS = ["wg256", "wg128", "wg64", "scalar"] as const;
/** One elementwise variant. */
export type EwVariant = (typeof EW_VARIANTS)[number];

const KINDS = "unary|binary|strided|vec4|where";
const KEY = new RegExp(`^(${KINDS}):(\\d+)$`);

/** The elementwise family. */
export const ELEMENTWISE = defineFamily<EwShape>(
  "elementwise",
  EW_VARIANTS,
  (s) => {
    const m = KEY.exec(s);
    return m !== null && isPow2Text(m[2]!);
  },
  "a kind and a power of two like vec4:4096 (kinds unary, binary, strided, vec4, where)",
);

/** Invocations per workgroup of a variant (`scalar`: the scalar kernel's default, 256). */
export const wgOf = (v: string): number => v === "wg128" ? 128 : v === "wg64" ? 64 : 256;

/**
 * The variant of an elementwise dispatch of `kind` over `n` elements on `d`: the tuned one of its
 * class, else `wg256` (today's) after recording the class with its operand shapes.
 */
export function ewVariant(
  d: Device,
  kind: EwKind,
  n: number,
  a: readonly number[],
  b?: readonly number[],
  c?: readonly number[],
): string {
  const key = `${kind}:${pow2(n)}`;
  const v = ELEMENTWISE.choose(d, key);
  if (v !== undefined) return v;
  if (ELEMENTWISE.wants(key)) {
    ELEMENTWISE.note(key, { kind, shapes: [a, ...(b ? [b] : []), ...(c ? [c] : [])] });
  }
  return "wg256";
}

/** The override constants of a kernel at `wg` invocations (`WG` only when not the default 256). */
export function withWG(consts: Record<string, number>, wg: number): Record<string, number> {
  if (wg !== 256) consts.WG = wg;
  return consts;
}
