/**
 * `GradientAccumulation`: fastai's callback — steps the optimizer once every `steps` batches with the
 * mean of their gradients, as one batch `steps` times larger would (for a loss that is a batch mean
 * and equal batch sizes). Each batch's loss is scaled by `1/steps` before backward; the batches
 * between steps throw `CancelBatch` after backward, which skips the step, and the loop then skips the
 * next batch's zeroGrad, so backward accumulates into the gradients. The schedule still moves every
 * batch (as fastai's), and the recorder records the unscaled losses.
 * @module
 */
import { mul } from "../../tensor/mod.ts";
import { checkOptions } from "../../_options.ts";
import { type Callback, CancelBatch, type FitContext } from "../callback.ts";
import { GRADIENT_ACCUMULATION_SPEC } from "./_specs.ts";

/** Options of {@linkcode GradientAccumulation}. */
export interface GradientAccumulationOptions {
  /** Batches per optimizer step, integer >= 1. Default 2. */
  steps?: number;
}

/**
 * Accumulates gradients over `steps` batches per optimizer step.
 *
 * @example
 * ```ts ignore
 * // batches of 16, stepping as batches of 64 would
 * await learn.fitOptSched(phases, { callbacks: [new GradientAccumulation({ steps: 4 })] });
 * ```
 */
export class GradientAccumulation implements Callback {
  /** Scales the loss before other callbacks see the gradients. */
  readonly order: number = -10;
  /** Batches per step. */
  readonly steps: number;
  #count = 0;

  /**
   * Checks the options.
   *
   * @throws {TypeError} On an unknown option or a wrong kind.
   * @throws {RangeError} On steps < 1.
   */
  constructor(options: GradientAccumulationOptions = {}) {
    checkOptions("GradientAccumulation", options, GRADIENT_ACCUMULATION_SPEC);
    this.steps = options.steps ?? 2;
    if (this.steps < 1) {
      throw new RangeError(
        `Cannot use GradientAccumulation: expected an integer steps >= 1, got ${this.steps}`,
      );
    }
  }

  /** Starts counting. */
  beforeFit(ctx: FitContext): void {
    this.#count = ctx.iteration % this.steps; // a resumed fit continues the count
  }

  /** Backward from `loss / steps`. */
  afterLoss(ctx: FitContext): void {
    if (this.steps > 1) ctx.lossGrad = mul(ctx.loss!, 1 / this.steps);
  }

  /** Skips the step until `steps` batches have accumulated. */
  afterBackward(): void {
    if (++this.#count % this.steps !== 0) throw new CancelBatch("accumulating gradients");
  }
}
