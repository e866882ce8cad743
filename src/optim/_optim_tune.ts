/**
 * Private: the `optim` family of the tuning table (`../tensor/_tune_registry.ts`): how
 * `Optimizer.step()` launches its fused update kernels (`shaders/{sgd,adam,rmsprop}{,_vec4}.wgsl`).
 * An optimizer's shape class is its rule and its parameters' total element count rounded up to a
 * power of two (`adam:262144`), fixed at construction; the variants are `auto` (today's: up to four
 * tensors of a group per `multi` dispatch over vec4s, workgroups of 256), `wg128` / `wg64` (the
 * same at 128 / 64 invocations: the shaders' `WG` override), `single` (one dispatch per tensor,
 * vec4 where the size allows) and `scalar` (one dispatch per tensor, one element per invocation).
 *
 * Costs one map lookup per step (the key is built once); no GPU work but the compile of a variant's
 * kernels at its first use (the trials compile them). Trials: here, on a fresh optimizer of the same
 * kind (`register` by each optimizer class) over same-size parameters.
 * @module
 */
import type { Device, Kernel, Tensor } from "../tensor/mod.ts";
import { randn } from "../tensor/mod.ts";
import { defineFamily, isPow2Text, pow2 } from "../tensor/_tune_registry.ts";
import { MULTI_SLOTS } from "./_packs.ts";

/** What a class was first seen with: the rule's shader and the parameter sizes. */
export interface OptimShape {
  shader: string;
  sizes: readonly number[];
}

/** The variants, the default first. */
export const OPTIM_VARIANTS = ["auto", "wg128", "wg64", "single", "scalar"] as const;

const KEY = /^(sgd|adam|rmsprop):(\d+)$/;

/** The optimizer-step family. */
export const OPTIM = defineFamily<OptimShape>(
  "optim",
  OPTIM_VARIANTS,
  (s) => {
    const m = KEY.exec(s);
    return m !== null && isPow2Text(m[2]!);
  },
  "a rule and a power of two like adam:262144 (rules sgd, adam, rmsprop)",
);

/** The kernels of one launch variant, and its invocations per workgroup. */
export interface StepLaunch {
  /** The one-tensor kernels over f32 and over vec4 (the same kernel in `scalar`). */
  single: Kernel;
  single4: Kernel;
  /** Up to MULTI_SLOTS tensors per dispatch (null: not in this variant, or the device binds too few). */
  multi: Kernel | null;
  /** Invocations per workgroup (the kernels' `WG`). */
  wg: number;
  /** Whether `single4` runs over vec4 (false in `scalar`). */
  vec4: boolean;
}

/** The kernels of `variant` for `shader` on `d` (compiled at first use; the device caches them). */
export function stepLaunch(d: Device, shader: string, variant: string): StepLaunch {
  const wg = variant === "wg128" ? 128 : variant === "wg64" ? 64 : 256;
  const c: Record<string, number> = wg === 256 ? {} : { WG: wg };
  const name = shader as "sgd";
  const single = d.kernel(name, c);
  if (variant === "scalar") return { single, single4: single, multi: null, wg, vec4: false };
  const v4 = `${shader}_vec4` as "sgd_vec4";
  const multiOk = variant !== "single" &&
    d.gpu.limits.maxStorageBuffersPerShaderStage >= 5 * MULTI_SLOTS;
  return {
    single,
    single4: d.kernel(v4, c),
    multi: multiOk ? d.kernel(v4, c, "multi") : null,
    wg,
    vec4: true,
  };
}

/** One optimizer's tuning: its class key (built once) and the launches it used. */
export class OptimTuning {
  readonly key: string;
  readonly #shader: string;
  readonly #sizes: readonly number[];
  readonly #launches = new Map<string, StepLaunch>();

  constructor(d: Device, shader: string, sizes: readonly number[]) {
    let n = 0;
    for (const s of sizes) n += s;
    this.key = `${shader}:${pow2(n)}`;
    this.#shader = shader;
    this.#sizes = sizes;
    this.#launches.set("auto", stepLaunch(d, shader, "auto"));
  }

  /** The launch of this step: the tuned variant of the class, else `auto` (recording the class). */
  launch(d: Device): StepLaunch {
    const v = OPTIM.choose(d, this.key);
    if (v === undefined && OPTIM.wants(this.key)) {
      OPTIM.note(this.key, { shader: this.#shader, sizes: [...this.#sizes] });
    }
    const name = v ?? "auto";
    let l = this.#launches.get(name);
    if (!l) this.#launches.set(name, l = stepLaunch(d, this.#shader, name));
    return l;
  }
}

/** A fresh optimizer of one rule over `params`, for the trials (set by each optimizer class). */
export type TrialOptimizer = (params: Tensor[]) => { step(): void; dispose(): void };
const makers = new Map<string, TrialOptimizer>();

/** Registers how the trials make an optimizer of `shader`'s rule. */
export function register(shader: string, make: TrialOptimizer): void {
  makers.set(shader, make);
}

OPTIM.trials = {
  candidates: (s, d) => {
    const out = ["auto", "wg128", "wg64", "single", "scalar"];
    // without `multi`, `single` is `auto`
    if (d.gpu.limits.maxStorageBuffersPerShaderStage < 5 * MULTI_SLOTS) out.splice(3, 1);
    return s.sizes.length > 1 ? out : out.filter((v) => v !== "single");
  },
  prepare(s) {
    const params = s.sizes.map((n, i) => randn([n], { seed: 50 + i, requiresGrad: true }));
    for (const [i, p] of params.entries()) p.grad = randn([p.size], { seed: 80 + i });
    const opt = makers.get(s.shader)!(params);
    let total = 0;
    for (const n of s.sizes) total += n;
    return {
      // about 32M elements a round, 4 to 50 steps
      reps: Math.max(4, Math.min(50, Math.round(2 ** 25 / Math.max(1, total)))),
      run: (v) => OPTIM.with(v, () => opt.step()),
      dispose: () => {
        opt.dispose();
        for (const p of params) {
          p.grad?.dispose();
          p.dispose();
        }
      },
    };
  },
};
