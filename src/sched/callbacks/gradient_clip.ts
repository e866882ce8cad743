/**
 * `GradientClip`: clips the global gradient norm to `maxNorm` (PyTorch's `clip_grad_norm_`, fastai's
 * `GradientClip`), entirely on the GPU: the sum of the squares of every gradient, its square root,
 * the factor `min(1, maxNorm / (norm + 1e-6))`, and every gradient multiplied by it in place. Nothing
 * is read back; the temporaries belong to the step's `tidy()`.
 * @module
 */
import {
  add,
  device,
  div,
  minimum,
  mul,
  sqrt,
  square,
  sum,
  type Tensor,
} from "../../tensor/mod.ts";
import { checkOptions } from "../../_options.ts";
import type { Callback, FitContext } from "../callback.ts";
import { GRADIENT_CLIP_SPEC } from "./_specs.ts";

/** Options of {@linkcode GradientClip}. */
export interface GradientClipOptions {
  /** The largest global L2 norm of the gradients, > 0. Default 1. */
  maxNorm?: number;
}

/**
 * Scales the gradients of `params` in place so that their global L2 norm is at most `maxNorm`
 * (GPU ops only). Returns the norm before clipping, as a GPU scalar (inside the caller's `tidy()`).
 *
 * @example
 * ```ts ignore
 * tidy(() => { loss.backward(); clipGradNorm(model.parameters(), 1); opt.step(); });
 * ```
 */
export function clipGradNorm(params: readonly Tensor[], maxNorm: number): Tensor | null {
  const grads = params.map((p) => p.grad).filter((g): g is Tensor => g !== null);
  if (grads.length === 0) return null;
  let total = sum(square(grads[0]!));
  for (let i = 1; i < grads.length; i++) total = add(total, sum(square(grads[i]!)));
  const norm = sqrt(total);
  const factor = minimum(div(maxNorm, add(norm, 1e-6)), 1);
  const d = device();
  for (const g of grads) {
    const scaled = mul(g, factor);
    d.copy(scaled.buffer, 0, g.buffer, 0, g.size * 4);
  }
  return norm;
}

/**
 * Clips the global gradient norm after each backward (before the step).
 *
 * @example
 * ```ts ignore
 * await learn.fitOptSched(phases, { callbacks: [new GradientClip({ maxNorm: 0.5 })] });
 * ```
 */
export class GradientClip implements Callback {
  /** After gradient accumulation's scaling. */
  readonly order: number = 10;
  /** The largest global norm. */
  readonly maxNorm: number;
  #params: Tensor[] = [];

  /**
   * Checks the options.
   *
   * @throws {TypeError} On an unknown option or a wrong kind.
   * @throws {RangeError} On a maxNorm that is not finite and > 0.
   */
  constructor(options: GradientClipOptions = {}) {
    checkOptions("GradientClip", options, GRADIENT_CLIP_SPEC);
    this.maxNorm = options.maxNorm ?? 1;
    if (!(Number.isFinite(this.maxNorm) && this.maxNorm > 0)) {
      throw new RangeError(
        `Cannot use GradientClip: expected a finite maxNorm > 0, got ${this.maxNorm}`,
      );
    }
  }

  /** The parameters of the learner's layer groups. */
  beforeFit(ctx: FitContext): void {
    this.#params = ctx.learner.layerGroups().flat();
  }

  /** Clips. */
  afterBackward(): void {
    clipGradNorm(this.#params, this.maxNorm);
  }
}
