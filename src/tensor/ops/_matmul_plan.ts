/**
 * Private: how one matmul is launched (`MatmulPlan`), today's heuristic choice for llvmpipe
 * (`matmulPlan`), and the named variants the autotuner (`_matmul_tune.ts`) times against it: each
 * variant turns a product's dimensions into a plan, so a choice made for one shape of a class applies
 * to every shape of the class.
 *
 * Not here: the kernels (`matmul.ts`, `_matmul_tex.ts`) and the tuning table.
 * @module
 */
import type { TexLayout } from "./_matmul_tex.ts";

/** How one product is launched: workgroup shape (in 8x8-output invocations) and split-K count. */
export interface MatmulPlan {
  /** Invocations per workgroup along the output's columns (n). */
  wx: number;
  /** Invocations per workgroup along the output's rows (m). */
  wy: number;
  /** Split-K count: chunks of the inner dimension computed apart and summed. */
  splits: number;
  /** Use the texture kernel (`shaders/matmul_tb.wgsl`, `_matmul_tex.ts`) when it applies. */
  tex?: boolean;
  /** The texture path's layout (default: `texLayout`'s choice). */
  layout?: TexLayout;
  /** Changes to `texLayout`'s choice (when no `layout`): see {@linkcode tweakedLayout}. */
  texTweak?: { cw2?: boolean; flip?: boolean; rm8?: boolean; lanes?: 4 | 16; plain?: boolean };
  /**
   * Use the GPU-shaped kernel (`shaders/matmul_tiled.wgsl`): `tx` x `ty` invocations (8 or 16 each),
   * each computing 4x4 outputs, over tiles staged in workgroup memory (`wx`, `wy` and `tex` unused).
   */
  tile?: { tx: 8 | 16; ty: 8 | 16 };
}

const nextPow2 = (x: number) => 2 ** Math.ceil(Math.log2(Math.max(1, x)));

/** @internal Smallest m*n*k for which {@linkcode matmulPlan} picks the texture path. */
export const TEX_MIN_WORK = 1 << 21;

/**
 * @internal Picks the workgroup shape and split-K. On llvmpipe a workgroup runs on one CPU thread, so a
 * product needs at least ~8 workgroups to keep the cores busy; a long K with few output blocks is split.
 */
export function matmulPlan(m: number, n: number, k: number, batch: number): MatmulPlan {
  const tm = Math.ceil(m / 8), tn = Math.ceil(n / 8);
  const wx = Math.min(8, nextPow2(tn));
  const wy = Math.max(1, Math.min(8, nextPow2(tm), Math.floor(64 / wx)));
  const groups = batch * Math.ceil(tn / wx) * Math.ceil(tm / wy);
  // Chunks of at most ~1024 deep keep a workgroup's panel of B in cache; few workgroups split further.
  let splits = k > 1024 ? Math.ceil(k / 1024) : 1;
  if (groups < 8 && k >= 256) splits = Math.max(splits, Math.min(Math.ceil(8 / groups), k >> 8));
  // The texture path copies or packs one operand into a texture (one more dispatch or copy): worth it
  // once the product is big enough, and the faster kernel at every size past that.
  const tex = batch === 1 && m * n * k >= TEX_MIN_WORK;
  return { wx, wy, splits, tex };
}

/**
 * The launch variants the tuner chooses among. `auto`: {@linkcode matmulPlan} as is (the default);
 * `storage` / `texture`: its workgroup shape with the texture path forced off / on; `texture_cw2` /
 * `texture_swap` / `texture_rm8` / `texture_l4` / `texture_l16`: the texture path with 2 texels per
 * invocation / the other operand on the lanes / 8 rows per workgroup / 4 or 16 invocations per
 * workgroup ({@linkcode tweakedLayout}; llvmpipe keeps the default, SwiftShader, whose lanes spill
 * the 16x16 block, takes some of these on some shapes); `texture_plain`: the texture path without
 * the subgroup kernel where the device has one (`shaders/matmul_tb_sg.wgsl`, the default there);
 * `tiled32` / `tiled64`: the GPU-shaped kernel with 8x8 / 16x16 invocations (32x32 / 64x64
 * tiles).
 */
export type MatmulVariant =
  | "auto"
  | "storage"
  | "texture"
  | "texture_cw2"
  | "texture_swap"
  | "texture_rm8"
  | "texture_l4"
  | "texture_l16"
  | "texture_plain"
  | "tiled32"
  | "tiled64";

/** Every {@linkcode MatmulVariant}, in the order the tuner lists them. */
export const MATMUL_VARIANTS: readonly MatmulVariant[] = [
  "auto",
  "storage",
  "texture",
  "texture_cw2",
  "texture_swap",
  "texture_rm8",
  "texture_l4",
  "texture_l16",
  "texture_plain",
  "tiled32",
  "tiled64",
];

/** Changes to the texture path's heuristic layout, one per texture variant. */
export type TexTweak = NonNullable<MatmulPlan["texTweak"]>;

/**
 * `layout` (the texture path's heuristic choice for C [m, n]) changed by `tweak`: 2 texels per
 * invocation (`cw2`; fewer accumulators, for adapters that spill 16x16), the other operand on the
 * lanes (`flip`; 4 texels per invocation when that side has at least 128 lanes), 8 rows per
 * workgroup (`rm8`), 4 or 16 invocations per workgroup (`lanes`), the kernel without subgroups
 * (`plain`).
 */
export function tweakedLayout(
  layout: TexLayout,
  tweak: TexTweak,
  m: number,
  n: number,
): TexLayout {
  const swap = tweak.flip ? !layout.swap : layout.swap;
  const cw = tweak.cw2 ? 2 : tweak.flip ? ((swap ? m : n) >= 128 ? 4 : 2) : layout.cw;
  const rm = tweak.rm8 ? 8 : layout.rm, lanes = tweak.lanes ?? layout.lanes;
  return {
    swap,
    cw,
    splits: layout.splits,
    ...(rm !== undefined ? { rm } : {}),
    ...(lanes !== undefined ? { lanes } : {}),
    ...(tweak.plain || layout.sg === false ? { sg: false } : {}),
  };
}

/** Workgroups a GPU-shaped launch aims for before it splits K (a few per compute unit of a small GPU). */
const TILED_MIN_GROUPS = 32;

/** The split-K count of the tiled kernel: long K over few tiles is split, chunks of at least 256. */
export function tiledSplits(m: number, n: number, k: number, batch: number, side: number): number {
  const groups = batch * Math.ceil(m / side) * Math.ceil(n / side);
  if (groups >= TILED_MIN_GROUPS || k < 512) return 1;
  return Math.max(1, Math.min(Math.ceil(TILED_MIN_GROUPS / groups), k >> 8));
}

/** The plan of `variant` for C [m, n] over depth k, batched. */
export function variantPlan(
  variant: MatmulVariant,
  m: number,
  n: number,
  k: number,
  batch: number,
): MatmulPlan {
  const auto = matmulPlan(m, n, k, batch);
  switch (variant) {
    case "auto":
      return auto;
    case "storage":
      return { ...auto, tex: false };
    case "texture":
      return { ...auto, tex: batch === 1 };
    case "texture_cw2":
      return { ...auto, tex: batch === 1, texTweak: { cw2: true } };
    case "texture_swap":
      return { ...auto, tex: batch === 1, texTweak: { flip: true } };
    case "texture_rm8":
      return { ...auto, tex: batch === 1, texTweak: { rm8: true } };
    case "texture_l4":
      return { ...auto, tex: batch === 1, texTweak: { lanes: 4 } };
    case "texture_l16":
      return { ...auto, tex: batch === 1, texTweak: { lanes: 16 } };
    case "texture_plain":
      return { ...auto, tex: batch === 1, texTweak: { plain: true } };
    case "tiled32":
    case "tiled64": {
      const s = variant === "tiled32" ? 8 : 16;
      return { wx: 8, wy: 8, splits: tiledSplits(m, n, k, batch, 4 * s), tile: { tx: s, ty: s } };
    }
  }
}

/**
 * The variants worth timing for a product: `auto`, the texture path toggled and its tweaks (single
 * products only; `texture_plain` only where the device has `subgroups`, elsewhere it is `texture`)
 * and both tiled configurations (where the device allows 256 invocations per workgroup), each once
 * even where two give the same plan.
 */
export function variantCandidates(
  m: number,
  n: number,
  k: number,
  batch: number,
  maxInvocations: number,
  subgroups = false,
): MatmulVariant[] {
  const out: MatmulVariant[] = ["auto"];
  if (batch === 1) {
    out.push(
      matmulPlan(m, n, k, batch).tex ? "storage" : "texture",
      "texture_cw2",
      "texture_swap",
      "texture_rm8",
      "texture_l4",
      "texture_l16",
    );
    if (subgroups) out.push("texture_plain");
  }
  out.push("tiled32");
  if (maxInvocations >= 256) out.push("tiled64");
  return out;
}
